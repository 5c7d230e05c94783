"""The practice directory: people and organizations, their pages, and the search-as-you-type
options the case forms use to pick an existing person instead of entering them twice."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import staff_only
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import render
from adapters.web.limits import LimiterParam
from core.domain.cases.kinds import CaseKind, policy
from core.domain.directory.parties import Channel
from core.domain.shared.values import OrganizationId, PersonId
from core.services import directory
from core.services.cases import views as case_views
from core.services.directory.search_limit import count_search

# What the options fragment renders each result as, by the form asking.
OPTION_MODES = {"participant", "member", "payer", "helper", "representative"}
LISTED = 50  # entries on the People and Organizations screens


@get("/people")
async def people(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, limiter: LimiterParam
) -> Template:
    q = forms.text(request.query_params, "q")[:100]
    more = False  # the first page by name is shown before anyone types
    if q.strip():
        await count_search(deps, limiter, actor)
        found = await directory.find_people(deps, actor, q, limit=LISTED)
    else:
        listing = await directory.list_people(deps, actor, limit=LISTED)
        found, more = listing.items, listing.more
    context = {"actor": actor, "people": found, "more": more, "values": {"q": q}, "errors": {}}
    return render(
        request, "directory/people/list.html", context, fragment="directory/people/_results.html"
    )


PERSON_WORDS = {"preferred_channel": "a channel"}


@get("/people/new")
async def new_person_form(actor: ActorParam) -> Template:
    values = {"preferred_channel": Channel.NONE.value}
    return Template(
        "directory/people/new.html", context={"actor": actor, "values": values, "errors": {}}
    )


@post("/people/new")
async def create_person(request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Response[Any]:
    form = await request.form()

    async def again(refusal: Refusal) -> Response[Any]:
        context = {"actor": actor, "values": refusal.values, "errors": refusal.errors}
        return Template("directory/people/new.html", context=context, status_code=refusal.status)

    return await form_action(
        form,
        lambda: directory.register_person(
            deps, actor, forms.read(form, directory.RegisterPerson, words=PERSON_WORDS)
        ),
        done=lambda person_id: Redirect(path=f"/people/{person_id}", status_code=303),
        again=again,
    )


@get("/people/options")
async def person_options(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, limiter: LimiterParam
) -> Template:
    """Search results as radio buttons or checkboxes for the form that asked (`for`)."""
    params = request.query_params
    mode = forms.text(params, "for")
    mode = mode if mode in OPTION_MODES else "member"
    q = forms.text(params, "q")[:100]
    if q.strip():
        await count_search(deps, limiter, actor)
    found = await directory.find_people(deps, actor, q, limit=10)
    organizations = (
        await directory.find_organizations(deps, actor, q, limit=5) if mode == "payer" else []
    )
    try:
        roles = policy(CaseKind(forms.text(params, "kind"))).member_roles
    except ValueError:
        roles = ()
    context = {
        "mode": mode,
        "q": q,
        "people": found,
        "organizations": organizations,
        "roles": roles,
        "values": {},
    }
    return Template("directory/people/_options.html", context=context)


@get("/people/{person_id:uuid}")
async def person_page(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, person_id: PathId
) -> Template:
    page = await case_views.person_page(deps, actor, PersonId(person_id))
    context = {"actor": actor, "page": page, "person": page.person}
    return render(request, "directory/people/page.html", context)


PERSON_FIELDS = (
    "legal_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "mobile",
    "address",
    "preferred_channel",
    "sms_consent",
)


def _edit_refused(
    refusal: Refusal, saved_version: int, template: str, context: dict[str, Any]
) -> Template:
    """A refused change of a person's or organization's details: the form again, with what was
    typed next to the saved details. After someone else's change the form carries the saved
    version, so that saving again deliberately replaces their change."""
    errors = dict(refusal.errors)
    if refusal.conflict:
        errors["_form"] = f"{refusal.error.message} The details above are the saved ones."
    context |= {
        "editing": True,
        "version": saved_version
        if refusal.conflict or refusal.error.field == "version"
        else refusal.values.get("version", ""),
        "values": refusal.values,
        "errors": errors,
    }
    return Template(template, context=context, status_code=refusal.status)


@post("/people/{person_id:uuid}")
async def update_person(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, person_id: PathId
) -> Response[Any]:
    pid = PersonId(person_id)
    form = await request.form()

    async def again(refusal: Refusal) -> Response[Any]:
        page = await case_views.person_page(deps, actor, pid)
        context = {"actor": actor, "page": page, "person": page.person}
        template = "directory/people/page.html"
        return _edit_refused(refusal, page.person.version, template, context)

    command = directory.UpdatePerson
    return await form_action(
        form,
        lambda: directory.update_person(
            deps, actor, forms.read(form, command, person_id=pid, words=PERSON_WORDS)
        ),
        done=lambda _: Redirect(path=f"/people/{pid}", status_code=303),
        again=again,
        sent=PERSON_FIELDS,
    )


# ----- organizations ------------------------------------------------------------------------------


@get("/organizations")
async def organizations(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, limiter: LimiterParam
) -> Template:
    q = forms.text(request.query_params, "q")[:100]
    more = False
    if q.strip():
        await count_search(deps, limiter, actor)  # the same directory search, the same count
        found = await directory.find_organizations(deps, actor, q, limit=LISTED)
    else:
        listing = await directory.list_organizations(deps, actor, limit=LISTED)
        found, more = listing.items, listing.more
    context = {
        "actor": actor,
        "organizations": found,
        "more": more,
        "values": {"q": q},
        "errors": {},
    }
    return render(
        request,
        "directory/organizations/list.html",
        context,
        fragment="directory/organizations/_results.html",
    )


@get("/organizations/new")
async def new_organization_form(actor: ActorParam) -> Template:
    return Template(
        "directory/organizations/new.html", context={"actor": actor, "values": {}, "errors": {}}
    )


ORGANIZATION_FIELDS = ("name", "contact_person", "email", "phone", "address")


@post("/organizations/new")
async def create_organization(
    request: AnyRequest, deps: DepsParam, actor: ActorParam
) -> Response[Any]:
    form = await request.form()

    async def again(refusal: Refusal) -> Response[Any]:
        context = {"actor": actor, "values": refusal.values, "errors": refusal.errors}
        template = "directory/organizations/new.html"
        return Template(template, context=context, status_code=refusal.status)

    return await form_action(
        form,
        lambda: directory.register_organization(
            deps, actor, forms.read(form, directory.RegisterOrganization)
        ),
        done=lambda oid: Redirect(path=f"/organizations/{oid}", status_code=303),
        again=again,
    )


@get("/organizations/{organization_id:uuid}")
async def organization_page(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, organization_id: PathId
) -> Template:
    page = await case_views.organization_page(deps, actor, OrganizationId(organization_id))
    context = {"actor": actor, "page": page, "organization": page.organization}
    return render(request, "directory/organizations/page.html", context)


@post("/organizations/{organization_id:uuid}")
async def update_organization(
    request: AnyRequest, deps: DepsParam, actor: ActorParam, organization_id: PathId
) -> Response[Any]:
    oid = OrganizationId(organization_id)
    form = await request.form()

    async def again(refusal: Refusal) -> Response[Any]:
        page = await case_views.organization_page(deps, actor, oid)
        context = {"actor": actor, "page": page, "organization": page.organization}
        template = "directory/organizations/page.html"
        return _edit_refused(refusal, page.organization.version, template, context)

    command = directory.UpdateOrganization
    return await form_action(
        form,
        lambda: directory.update_organization(
            deps, actor, forms.read(form, command, organization_id=oid)
        ),
        done=lambda _: Redirect(path=f"/organizations/{oid}", status_code=303),
        again=again,
        sent=ORGANIZATION_FIELDS,
    )


DIRECTORY = Router(  # people and organizations, for signed-in staff
    path="/",
    guards=[staff_only],
    route_handlers=[
        people,
        new_person_form,
        create_person,
        person_options,
        person_page,
        update_person,
        organizations,
        new_organization_form,
        create_organization,
        organization_page,
        update_organization,
    ],
)
