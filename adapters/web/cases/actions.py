"""Every change on the case page. Each answers an htmx request with the case panels updated in
place, and a plain form post with a redirect back to the page; a refused change re-renders the
panels (422) with the message next to the field and what was typed still in the form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template

from adapters.web.cases.pages import case_context
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, DepsParam, PathStr
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import form_errors, render, wants_fragment
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import MemberRole
from core.domain.cases.responsibilities import HelperKind, PayerKind, StaffDuty
from core.domain.directory.parties import Channel
from core.domain.shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.services import cases, directory
from core.services.documentation import diagnoses
from core.services.shared.use_case import Deps

Action = Callable[[Deps, StaffActor, CaseId, FormMultiDict, dict[str, Any]], Awaitable[Any]]


async def _act(
    request: Request[Any, Any, Any],
    deps: Deps,
    actor: StaffActor,
    raw_case_id: str,
    form_name: str,
    anchor: str,
    action: Action,
    day_field: str | None,
) -> Template | Redirect:
    case_id = CaseId(path_id(raw_case_id, "case"))
    form = await request.form()
    kept: dict[str, Any] = {}  # what the action wants the re-rendered form to show
    try:
        await action(deps, actor, case_id, form, kept)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        context = await case_context(
            deps,
            actor,
            case_id,
            form=form_name,
            errors=form_errors(exc, form, day_field),
            values={**forms.values(form), **kept},
        )
        return render(
            request, "cases/page.html", context, fragment="cases/_panels.html", status=422
        )
    if wants_fragment(request):
        context = await case_context(deps, actor, case_id)
        return render(request, "cases/page.html", context, fragment="cases/_panels.html")
    return Redirect(path=f"/cases/{case_id}#{anchor}", status_code=303)


def _route(
    path: str, form_name: str, anchor: str, action: Action, day_field: str | None = None
) -> Any:
    """A POST route on one case running `action`; `form_name` says which form shows errors,
    `day_field` which of its inputs a refused period (a day too early...) is about."""

    async def handler(
        request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, case_id: PathStr
    ) -> Template | Redirect:
        return await _act(request, deps, actor, case_id, form_name, anchor, action, day_field)

    handler.__name__ = f"case_{form_name}"
    return post(f"/cases/{{case_id:str}}{path}", name=f"case_{form_name}")(handler)


def _item_route(
    path: str, form_name: str, anchor: str, action: Any, day_field: str | None = None
) -> Any:
    """A POST route on one item of a case (a membership, a payer...): `action` gets its id."""

    async def handler(
        request: Request[Any, Any, Any],
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathStr,
        item_id: PathStr,
    ) -> Template | Redirect:
        item = path_id(item_id, "record")

        async def run(
            deps: Deps,
            actor: StaffActor,
            cid: CaseId,
            form: FormMultiDict,
            kept: dict[str, Any],
        ) -> Any:
            return await action(deps, actor, cid, item, form)

        return await _act(
            request, deps, actor, case_id, f"{form_name}:{item}", anchor, run, day_field
        )

    handler.__name__ = f"case_{form_name}"
    return post(f"/cases/{{case_id:str}}{path}/{{item_id:str}}/end", name=f"case_{form_name}")(
        handler
    )


async def _person_or_new(
    deps: Deps,
    actor: StaffActor,
    form: FormMultiDict,
    kept: dict[str, Any],
    field: str,
    what: str,
) -> PersonId:
    """A person picked from the search results (`field`), or registered from the "new person"
    inputs; once registered they stay picked if the change is then refused."""
    picked = forms.optional_uuid(form, field, what)
    if picked is not None:
        return PersonId(picked)
    name = forms.text(form, f"{field}_new_name")
    if not name.strip():
        raise InvalidInput(f"Find {what} in the directory or enter a new name.", field=field)
    try:
        person_id = await directory.register_person(
            deps,
            actor,
            directory.RegisterPerson(
                legal_name=name, email=forms.optional_text(form, f"{field}_new_email")
            ),
        )
    except InvalidInput as exc:
        suffix = "_new_email" if exc.field == "email" else "_new_name"
        raise InvalidInput(exc.message, field=f"{field}{suffix}") from None
    kept.update({field: str(person_id), f"{field}_picked_name": " ".join(name.split())})
    kept.update({f"{field}_new_name": "", f"{field}_new_email": ""})
    return person_id


# ----- the case itself ----------------------------------------------------------------------------


async def _rename(deps, actor, case_id, form, kept) -> Any:
    return await cases.rename_case(
        deps, actor, cases.RenameCase(case_id=case_id, name=forms.text(form, "name"))
    )


async def _status(deps, actor, case_id, form, kept) -> Any:
    status = forms.choice(form, "status", CaseStatus, "a status")
    return await cases.change_status(
        deps, actor, cases.ChangeStatus(case_id=case_id, status=status)
    )


async def _capacity(deps, actor, case_id, form, kept) -> Any:
    capacity = forms.optional_int(form, "capacity", 1, 500)
    return await cases.set_capacity(
        deps, actor, cases.SetCapacity(case_id=case_id, capacity=capacity)
    )


async def _close(deps, actor, case_id, form, kept) -> Any:
    on = forms.optional_date(form, "closed_on")
    return await cases.close_case(deps, actor, cases.CloseCase(case_id=case_id, closed_on=on))


async def _reopen(deps, actor, case_id, form, kept) -> Any:
    provider = forms.optional_uuid(form, "provider", "the responsible provider")
    return await cases.reopen_case(
        deps,
        actor,
        cases.ReopenCase(
            case_id=case_id,
            reopened_on=forms.optional_date(form, "reopened_on"),
            responsible_provider_id=StaffId(provider) if provider else None,
        ),
    )


# ----- membership ---------------------------------------------------------------------------------


async def _add_member(deps, actor, case_id, form, kept) -> Any:
    role = forms.optional_choice(form, "role", MemberRole, "a role")
    joined_on = forms.optional_date(form, "joined_on")
    person_id = await _person_or_new(deps, actor, form, kept, "person_id", "the person")
    return await cases.add_member(
        deps,
        actor,
        cases.AddMember(case_id=case_id, person_id=person_id, role=role, joined_on=joined_on),
    )


async def _end_member(deps, actor, case_id, item: UUID, form) -> Any:
    return await cases.end_membership(
        deps,
        actor,
        cases.EndMembership(
            case_id=case_id, membership_id=item, left_on=forms.optional_date(form, "left_on")
        ),
    )


# ----- staff duties -------------------------------------------------------------------------------


async def _assign(deps, actor, case_id, form, kept) -> Any:
    duty = forms.choice(form, "duty", StaffDuty, "a responsibility")
    staff_id = forms.required_uuid(form, "staff_id", "a staff member")
    return await cases.assign_staff(
        deps,
        actor,
        cases.AssignStaff(
            case_id=case_id,
            staff_id=StaffId(staff_id),
            duty=duty,
            from_day=forms.optional_date(form, "from_day"),
        ),
    )


async def _end_duty(deps, actor, case_id, item: UUID, form) -> Any:
    return await cases.end_staff_duty(
        deps,
        actor,
        cases.EndStaffDuty(case_id=case_id, assignment_id=item, on=forms.optional_date(form, "on")),
    )


# ----- billing ------------------------------------------------------------------------------------


async def _add_payer(deps, actor, case_id, form, kept) -> Any:
    covers = forms.optional_uuid(form, "covers", "whom the payer covers")
    share = forms.optional_int(form, "share_percent", 1, 100)
    from_day = forms.optional_date(form, "from_day")
    raw = forms.text(form, "payer")
    kind, _, ident = raw.partition(":")
    if raw:
        try:
            payer = cases.Payer(
                kind=PayerKind(kind),
                id=UUID(ident),
                covers=PersonId(covers) if covers else None,
                share_percent=share,
            )
        except ValueError:
            raise InvalidInput("Choose who pays from the list.", field="payer") from None
    else:
        person_id = await _person_or_new(deps, actor, form, kept, "payer", "who pays")
        kept["payer"] = f"person:{person_id}"
        payer = cases.Payer(
            kind=PayerKind.PERSON,
            id=person_id,
            covers=PersonId(covers) if covers else None,
            share_percent=share,
        )
    return await cases.add_billing_responsibility(
        deps,
        actor,
        cases.AddBillingResponsibility(case_id=case_id, payer=payer, from_day=from_day),
    )


async def _end_payer(deps, actor, case_id, item: UUID, form) -> Any:
    return await cases.end_billing_responsibility(
        deps,
        actor,
        cases.EndBillingResponsibility(
            case_id=case_id, responsibility_id=item, on=forms.optional_date(form, "on")
        ),
    )


# ----- communication and helpers ------------------------------------------------------------------


async def _communication(deps, actor, case_id, form, kept) -> Any:
    person_id = forms.required_uuid(form, "person_id", "a person")
    return await cases.set_communication(
        deps,
        actor,
        cases.SetCommunication(
            case_id=case_id,
            person_id=PersonId(person_id),
            channel=forms.choice(form, "channel", Channel, "a channel"),
            reminders=forms.flag(form, "reminders"),
            invoices=forms.flag(form, "invoices"),
            clinical_messages=forms.flag(form, "clinical_messages"),
            portal_access=forms.flag(form, "portal_access"),
        ),
    )


async def _grant_helper(deps, actor, case_id, form, kept) -> Any:
    kind = forms.choice(form, "kind", HelperKind, "a kind of help")
    for_person = forms.required_uuid(form, "for_person_id", "the participant")
    from_day = forms.optional_date(form, "from_day")
    helper = await _person_or_new(deps, actor, form, kept, "helper_id", "the helper")
    return await cases.grant_helper_role(
        deps,
        actor,
        cases.GrantHelperRole(
            case_id=case_id,
            helper_id=helper,
            for_person_id=PersonId(for_person),
            kind=kind,
            from_day=from_day,
        ),
    )


async def _revoke_helper(deps, actor, case_id, item: UUID, form) -> Any:
    return await cases.revoke_helper_role(
        deps,
        actor,
        cases.RevokeHelperRole(case_id=case_id, role_id=item, on=forms.optional_date(form, "on")),
    )


# ----- clinical -----------------------------------------------------------------------------------


async def _add_diagnosis(deps, actor, case_id, form, kept) -> Any:
    person_id = forms.required_uuid(form, "person_id", "the participant")
    return await diagnoses.add_diagnosis(
        deps,
        actor,
        diagnoses.AddDiagnosis(
            case_id=case_id,
            person_id=PersonId(person_id),
            code=forms.text(form, "code"),
            description=forms.text(form, "description"),
            from_day=forms.optional_date(form, "from_day"),
        ),
    )


async def _end_diagnosis(deps, actor, case_id, item: UUID, form) -> Any:
    return await diagnoses.end_diagnosis(
        deps,
        actor,
        diagnoses.EndDiagnosis(
            case_id=case_id, diagnosis_id=item, on=forms.optional_date(form, "on")
        ),
    )


ROUTES = [
    _route("/name", "rename", "case", _rename),
    _route("/status", "status", "case", _status),
    _route("/capacity", "capacity", "case", _capacity),
    _route("/close", "close", "case", _close, "closed_on"),
    _route("/reopen", "reopen", "case", _reopen, "reopened_on"),
    _route("/members", "add_member", "participants", _add_member, "joined_on"),
    _item_route("/members", "end_member", "participants", _end_member, "left_on"),
    _route("/staff", "assign", "team", _assign, "from_day"),
    _item_route("/staff", "end_duty", "team", _end_duty, "on"),
    _route("/payers", "add_payer", "billing", _add_payer, "from_day"),
    _item_route("/payers", "end_payer", "billing", _end_payer, "on"),
    _route("/communication", "communication", "communication", _communication),
    _route("/helpers", "grant_helper", "helpers", _grant_helper, "from_day"),
    _item_route("/helpers", "revoke_helper", "helpers", _revoke_helper, "on"),
    _route("/diagnoses", "add_diagnosis", "clinical", _add_diagnosis, "from_day"),
    _item_route("/diagnoses", "end_diagnosis", "clinical", _end_diagnosis, "on"),
]
