"""Every change on the case page. Each answers an htmx request with the case panels updated in
place, and a plain form post with a redirect back to the page; a refused change re-renders the
panels (422, 409 after someone else's change) with the message next to the field and what was
typed still in the form. Each row's form is read here too (a GET on the path it posts to,
cases/row_forms.py), when its fold on the page is opened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec
from litestar import Response, post

from adapters.web.auth import StaffController
from adapters.web.cases.forms import (
    AssignForm,
    HelperForm,
    MemberForm,
    PayerForm,
    ReopenForm,
    new_person_fields,
    person_or_new,
)
from adapters.web.cases.pages import case_panels, remember_panel
from adapters.web.cases.row_forms import row_form, team_form
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, fragment_or_redirect
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import wants_fragment
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId
from core.services import cases
from core.services.documentation import diagnoses
from core.services.shared.use_case import Deps


async def _change(
    request: AnyRequest,
    deps: Deps,
    actor: StaffActor,
    case_id: PathId,
    form_name: str,
    anchor: str,
    run: Callable[[forms.Fields], Awaitable[Any]],
    day_field: str | None = None,
    fields: dict[str, str] | None = None,
) -> Response[Any]:
    """Run one change of the case; `form_name` says which form shows a refusal, `day_field`
    which of its inputs a refused period (a day too early...) is about."""
    cid = CaseId(case_id)
    form = await request.form()
    remember_panel(request, anchor)

    async def again(refusal: Refusal) -> Response[Any]:
        return await case_panels(request, deps, actor, cid, form_name, refusal)

    return await form_action(
        form,
        lambda: run(form),
        done=fragment_or_redirect(
            request,
            lambda: case_panels(request, deps, actor, cid),
            f"/cases/{cid}#{anchor}",
        ),
        again=again,
        sent=form,
        day_field=day_field,
        fields=fields,
        # htmx swaps a 409 into the flash (templates/base.html): a stale form comes back in
        # place for htmx (422), a plain post says 409.
        conflict_status=422 if wants_fragment(request) else 409,
    )


def _item_action(
    path: str,
    action: str,
    form_name: str,
    anchor: str,
    command: type[Any],
    id_field: str,
    use_case: Callable[..., Awaitable[Any]],
    day_field: str = "on",
) -> Any:
    """The POST that changes one item of the case (a membership, a duty, a payer, a helper, a
    diagnosis) at `<path>/<item id>/<action>`: ends it, corrects its end, marks it entered in
    error. The item's id comes from the path, the rest from the form (`day_field`: the input
    a refused date goes next to)."""

    async def handler(
        self: Any,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathId,
        item_id: PathId,
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            known: dict[str, Any] = {"case_id": case_id, id_field: item_id}
            typed = forms.read(form, command, **known)
            return await use_case(deps, actor, typed)

        name = f"{form_name}:{item_id}"
        return await _change(request, deps, actor, case_id, name, anchor, run, day_field)

    handler.__name__ = form_name
    return post(f"{path}/{{item_id:uuid}}/{action}", name=f"case_{form_name}")(handler)


def _ending(
    path: str,
    form_name: str,
    anchor: str,
    command: type[Any],
    id_field: str,
    use_case: Callable[..., Awaitable[Any]],
    day_field: str = "on",
) -> Any:
    """The POST that ends one item of the case: its last day from the form."""
    return _item_action(path, "end", form_name, anchor, command, id_field, use_case, day_field)


def _in_error(path: str, form_name: str, anchor: str) -> Any:
    """The POST that marks one item of the case entered in error, with the reason typed."""
    return _item_action(
        path,
        "error",
        form_name,
        anchor,
        cases.MarkEnteredInError,
        "item_id",
        cases.mark_entered_in_error,
        "reason",
    )


def _picked_payer(value: str, field: str) -> cases.Payer:
    """A payer picked from a list: "person:<id>" or "organization:<id>"."""
    kind, _, ident = value.partition(":")
    try:
        return cases.Payer(kind=PayerKind(kind), id=UUID(ident))
    except ValueError:
        raise InvalidInput("Choose who pays from the list.", field=field) from None


class CaseChanges(StaffController):
    path = "/cases/{case_id:uuid}"

    # ----- the case itself

    @post("/name")
    async def rename(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            command = forms.read(form, cases.RenameCase, case_id=case_id)
            return await cases.rename_case(deps, actor, command)

        return await _change(request, deps, actor, case_id, "rename", "case", run)

    @post("/status")
    async def status(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            command = forms.read(
                form, cases.ChangeStatus, case_id=case_id, words={"status": "a status"}
            )
            return await cases.change_status(deps, actor, command)

        return await _change(request, deps, actor, case_id, "status", "case", run)

    @post("/capacity")
    async def capacity(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            command = forms.read(form, cases.SetCapacity, case_id=case_id)
            return await cases.set_capacity(deps, actor, command)

        return await _change(request, deps, actor, case_id, "capacity", "case", run)

    @post("/close")
    async def close(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            command = forms.read(form, cases.CloseCase, case_id=case_id)
            return await cases.close_case(deps, actor, command)

        return await _change(request, deps, actor, case_id, "close", "case", run, "closed_on")

    @post("/reopen")
    async def reopen(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, ReopenForm)
            command = cases.ReopenCase(
                case_id=CaseId(case_id),
                reopened_on=typed.reopened_on,
                responsible_provider_id=typed.provider,
            )
            return await cases.reopen_case(deps, actor, command)

        return await _change(request, deps, actor, case_id, "reopen", "case", run, "reopened_on")

    # ----- membership

    @post("/members")
    async def add_member(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, MemberForm)
            person = person_or_new(form, "person_id", "the person")
            paid_by = None
            if typed.pays == "new":
                payer = person_or_new(form, "paid_by", "who pays")
                paid_by = cases.Payer(kind=PayerKind.PERSON, new_person=payer.new)
            elif typed.pays not in ("", "self"):
                paid_by = _picked_payer(typed.pays, "pays")
            command = cases.AddMember(
                case_id=CaseId(case_id),
                person_id=person.picked,
                new_person=person.new,
                role=typed.role,
                joined_on=typed.joined_on,
                pays_for_self=typed.pays == "self",
                paid_by=paid_by,
                reminders=typed.reminders,
            )
            return await cases.add_member(deps, actor, command)

        return await _change(
            request,
            deps,
            actor,
            case_id,
            "add_member",
            "participants",
            run,
            "joined_on",
            new_person_fields("person_id"),
        )

    # ----- staff duties

    @post("/staff")
    async def assign(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, AssignForm)
            command = cases.AssignStaff(
                case_id=CaseId(case_id),
                staff_id=typed.staff_id,
                duty=typed.duty,
                from_day=typed.from_day,
            )
            return await cases.assign_staff(deps, actor, command)

        return await _change(request, deps, actor, case_id, "assign", "team", run, "from_day")

    # ----- billing

    @post("/payers")
    async def add_payer(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, PayerForm)
            if typed.payer:
                payer = _picked_payer(typed.payer, "payer")
            else:
                person = person_or_new(form, "payer", "who pays")
                payer = cases.Payer(kind=PayerKind.PERSON, id=person.picked, new_person=person.new)
            payer = msgspec.structs.replace(
                payer, covers=typed.covers, share_percent=typed.share_percent
            )
            command = cases.AddBillingResponsibility(
                case_id=CaseId(case_id), payer=payer, from_day=typed.from_day
            )
            return await cases.add_billing_responsibility(deps, actor, command)

        return await _change(
            request,
            deps,
            actor,
            case_id,
            "add_payer",
            "billing",
            run,
            "from_day",
            new_person_fields("payer"),
        )

    # ----- communication and helpers

    @post("/communication")
    async def communication(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            words = {"person_id": "a person", "channel": "a channel"}
            command = forms.read(form, cases.SetCommunication, case_id=case_id, words=words)
            return await cases.set_communication(deps, actor, command)

        return await _change(request, deps, actor, case_id, "communication", "communication", run)

    @post("/helpers")
    async def grant_helper(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, HelperForm)  # before anyone is registered as the helper
            helper = person_or_new(form, "helper_id", "the helper")
            command = cases.GrantHelperRole(
                case_id=CaseId(case_id),
                helper_id=helper.picked,
                new_helper=helper.new,
                for_person_id=typed.for_person_id,
                kind=typed.kind,
                from_day=typed.from_day,
            )
            return await cases.grant_helper_role(deps, actor, command)

        return await _change(
            request,
            deps,
            actor,
            case_id,
            "grant_helper",
            "helpers",
            run,
            "from_day",
            new_person_fields("helper_id"),
        )

    # ----- clinical

    @post("/diagnoses")
    async def add_diagnosis(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            words = {"person_id": "the participant"}
            command = forms.read(form, diagnoses.AddDiagnosis, case_id=case_id, words=words)
            return await diagnoses.add_diagnosis(deps, actor, command)

        return await _change(
            request, deps, actor, case_id, "add_diagnosis", "clinical", run, "from_day"
        )

    # Ending one item of the case: the same shape for each kind of item.
    end_member = _ending(
        "/members",
        "end_member",
        "participants",
        cases.EndMembership,
        "membership_id",
        cases.end_membership,
        "left_on",
    )
    end_duty = _ending(
        "/staff", "end_duty", "team", cases.EndStaffDuty, "assignment_id", cases.end_staff_duty
    )
    end_payer = _ending(
        "/payers",
        "end_payer",
        "billing",
        cases.EndBillingResponsibility,
        "responsibility_id",
        cases.end_billing_responsibility,
    )
    revoke_helper = _ending(
        "/helpers",
        "revoke_helper",
        "helpers",
        cases.RevokeHelperRole,
        "role_id",
        cases.revoke_helper_role,
    )
    end_diagnosis = _ending(
        "/diagnoses",
        "end_diagnosis",
        "clinical",
        diagnoses.EndDiagnosis,
        "diagnosis_id",
        diagnoses.end_diagnosis,
    )

    # Correcting one item of the case: its last day, or "entered in error" with a reason.
    member_end_date = _item_action(
        "/members",
        "end-date",
        "member_end_date",
        "participants",
        cases.ChangeMembershipEnd,
        "membership_id",
        cases.change_membership_end,
        "left_on",
    )
    member_error = _in_error("/members", "member_error", "participants")
    duty_error = _in_error("/staff", "duty_error", "team")
    payer_error = _in_error("/payers", "payer_error", "billing")
    helper_error = _in_error("/helpers", "helper_error", "helpers")
    diagnosis_error = _item_action(
        "/diagnoses",
        "error",
        "diagnosis_error",
        "clinical",
        diagnoses.MarkDiagnosisEnteredInError,
        "diagnosis_id",
        diagnoses.mark_diagnosis_entered_in_error,
        "reason",
    )

    # Each of those row forms, and "Change the team", read when its fold on the page is opened
    # (cases/row_forms.py).
    end_member_form = row_form("/members", "end")
    member_end_date_form = row_form("/members", "end-date")
    member_error_form = row_form("/members", "error")
    end_payer_form = row_form("/payers", "end")
    payer_error_form = row_form("/payers", "error")
    revoke_helper_form = row_form("/helpers", "end")
    helper_error_form = row_form("/helpers", "error")
    end_duty_form = row_form("/staff", "end")
    duty_error_form = row_form("/staff", "error")
    assign_form = team_form()
