"""The practice directory: people and organizations, their pages, and the search-as-you-type
options the case forms use to pick an existing person instead of entering them twice."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from adapters.web.errors import domain_status
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, DepsParam, PathStr
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import form_errors, render
from core.domain.cases.kinds import CaseKind, policy
from core.domain.directory.parties import Channel
from core.domain.shared.errors import ConcurrencyConflict, DomainError
from core.domain.shared.values import OrganizationId, PersonId
from core.services import directory
from core.services.cases import views as case_views

# What the options fragment renders each result as, by the form asking.
OPTION_MODES = {"participant", "member", "payer", "helper"}
LISTED = 50  # entries on the People and Organizations screens


@get("/people")
async def people(request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam) -> Template:
    q = forms.text(request.query_params, "q")[:100]
    more = False  # the first page by name is shown before anyone types
    if q.strip():
        found = await directory.find_people(deps, actor, q, limit=LISTED)
    else:
        listing = await directory.list_people(deps, actor, limit=LISTED)
        found, more = listing.items, listing.more
    context = {"actor": actor, "people": found, "more": more, "values": {"q": q}, "errors": {}}
    return render(
        request, "directory/people/list.html", context, fragment="directory/people/_results.html"
    )


def _person_details(form: Any) -> dict[str, Any]:
    return {
        "legal_name": forms.text(form, "legal_name"),
        "preferred_name": forms.text(form, "preferred_name"),
        "pronouns": forms.text(form, "pronouns"),
        "date_of_birth": forms.optional_date(form, "date_of_birth"),
        "email": forms.optional_text(form, "email"),
        "mobile": forms.optional_text(form, "mobile"),
        "address": forms.text(form, "address"),
        "preferred_channel": (
            forms.optional_choice(form, "preferred_channel", Channel, "a channel") or Channel.NONE
        ),
        "sms_consent": forms.flag(form, "sms_consent"),
    }


@get("/people/new")
async def new_person_form(actor: ActorParam) -> Template:
    values = {"preferred_channel": Channel.NONE.value}
    return Template(
        "directory/people/new.html", context={"actor": actor, "values": values, "errors": {}}
    )


@post("/people/new")
async def create_person(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam
) -> Template | Redirect:
    form = await request.form()
    try:
        person_id = await directory.register_person(
            deps, actor, directory.RegisterPerson(**_person_details(form))
        )
    except DomainError as exc:
        context = {"actor": actor, "values": forms.values(form), "errors": form_errors(exc)}
        return Template("directory/people/new.html", context=context, status_code=422)
    return Redirect(path=f"/people/{person_id}", status_code=303)


@get("/people/options")
async def person_options(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam
) -> Template:
    """Search results as radio buttons or checkboxes for the form that asked (`for`)."""
    params = request.query_params
    mode = forms.text(params, "for")
    mode = mode if mode in OPTION_MODES else "member"
    q = forms.text(params, "q")[:100]
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


@get("/people/{person_id:str}")
async def person_page(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, person_id: PathStr
) -> Template:
    page = await case_views.person_page(deps, actor, PersonId(path_id(person_id, "person")))
    context = {
        "actor": actor,
        "person": page.person,
        "cases": page.cases,
        "can_edit": page.can_edit,
    }
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
    exc: DomainError,
    form: forms.Fields,
    sent: tuple[str, ...],
    saved_version: int,
    template: str,
    context: dict[str, Any],
) -> Template:
    """A refused change of a person's or organization's details: the form again, with what was
    typed next to the saved details. After someone else's change the form carries the saved
    version, so that saving again deliberately replaces their change."""
    errors = form_errors(exc, sent=sent)
    conflict = isinstance(exc, ConcurrencyConflict)
    if conflict:
        errors["_form"] = f"{exc.message} The details above are the saved ones."
    context |= {
        "editing": True,
        "version": saved_version
        if conflict or exc.field == "version"
        else forms.text(form, "version"),
        "values": forms.values(form),
        "errors": errors,
    }
    return Template(template, context=context, status_code=domain_status(exc))


@post("/people/{person_id:str}")
async def update_person(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, person_id: PathStr
) -> Template | Redirect:
    pid = PersonId(path_id(person_id, "person"))
    form = await request.form()
    try:
        version = forms.optional_int(form, "version", 0, 1_000_000_000) or 0
        await directory.update_person(
            deps,
            actor,
            directory.UpdatePerson(person_id=pid, version=version, **_person_details(form)),
        )
    except DomainError as exc:
        if domain_status(exc) in (403, 404):  # refusals and unknown ids go to the error page
            raise
        page = await case_views.person_page(deps, actor, pid)
        context = {
            "actor": actor,
            "person": page.person,
            "cases": page.cases,
            "can_edit": page.can_edit,
        }
        return _edit_refused(
            exc, form, PERSON_FIELDS, page.person.version, "directory/people/page.html", context
        )
    return Redirect(path=f"/people/{pid}", status_code=303)


# ----- organizations ------------------------------------------------------------------------------


@get("/organizations")
async def organizations(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam
) -> Template:
    q = forms.text(request.query_params, "q")[:100]
    more = False
    if q.strip():
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


def _organization_details(form: Any) -> dict[str, Any]:
    return {
        "name": forms.text(form, "name"),
        "email": forms.optional_text(form, "email"),
        "phone": forms.optional_text(form, "phone"),
        "address": forms.text(form, "address"),
        "contact_person": forms.text(form, "contact_person"),
    }


@post("/organizations/new")
async def create_organization(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam
) -> Template | Redirect:
    form = await request.form()
    try:
        organization_id = await directory.register_organization(
            deps, actor, directory.RegisterOrganization(**_organization_details(form))
        )
    except DomainError as exc:
        context = {"actor": actor, "values": forms.values(form), "errors": form_errors(exc)}
        return Template("directory/organizations/new.html", context=context, status_code=422)
    return Redirect(path=f"/organizations/{organization_id}", status_code=303)


@get("/organizations/{organization_id:str}")
async def organization_page(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, organization_id: PathStr
) -> Template:
    oid = OrganizationId(path_id(organization_id, "organization"))
    page = await case_views.organization_page(deps, actor, oid)
    context = {
        "actor": actor,
        "organization": page.organization,
        "cases": page.cases,
        "can_edit": page.can_edit,
    }
    return render(request, "directory/organizations/page.html", context)


@post("/organizations/{organization_id:str}")
async def update_organization(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, organization_id: PathStr
) -> Template | Redirect:
    oid = OrganizationId(path_id(organization_id, "organization"))
    form = await request.form()
    try:
        version = forms.optional_int(form, "version", 0, 1_000_000_000) or 0
        await directory.update_organization(
            deps,
            actor,
            directory.UpdateOrganization(
                organization_id=oid, version=version, **_organization_details(form)
            ),
        )
    except DomainError as exc:
        if domain_status(exc) in (403, 404):  # refusals and unknown ids go to the error page
            raise
        page = await case_views.organization_page(deps, actor, oid)
        context = {
            "actor": actor,
            "organization": page.organization,
            "cases": page.cases,
            "can_edit": page.can_edit,
        }
        return _edit_refused(
            exc,
            form,
            ORGANIZATION_FIELDS,
            page.organization.version,
            "directory/organizations/page.html",
            context,
        )
    return Redirect(path=f"/organizations/{oid}", status_code=303)


ROUTES = [
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
]
