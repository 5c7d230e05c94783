"""Opening a case: pick the kind, then one form in that kind's words with its first
participants (found in the directory or new), responsible provider and payer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template

from adapters.web.auth import staff_only
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, DepsParam, PathStr
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, KindPolicy, MemberRole, policy
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput, NotFound
from core.domain.shared.values import OrganizationId, PersonId, StaffId
from core.services import cases, directory
from core.services.shared.use_case import Deps

MAX_NEW_ROWS = 4


def new_rows(kind_policy: KindPolicy) -> int:
    """How many "new person" rows the form offers: the kind's limit, at most four."""
    return min(kind_policy.max_active or MAX_NEW_ROWS, MAX_NEW_ROWS)


def _kind(raw: str) -> KindPolicy:
    try:
        return policy(CaseKind(raw))
    except ValueError:
        raise NotFound("There is no such kind of case.") from None


async def _form_context(
    deps: Deps,
    actor: StaffActor,
    kind_policy: KindPolicy,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    staff = await directory.list_staff(deps, actor)
    chosen = values.get("existing", [])
    chosen_ids = [chosen] if isinstance(chosen, str) else list(chosen)
    picked_ids = []
    for raw in chosen_ids:  # the few people already picked, shown again after an error
        try:
            picked_ids.append(PersonId(UUID(raw)))
        except ValueError:
            continue
    people = await directory.person_cards(deps, actor, picked_ids)
    return {
        "actor": actor,
        "payer_picked": await _picked_payer(deps, actor, str(values.get("payer", ""))),
        "policy": kind_policy,
        "rows": range(1, new_rows(kind_policy) + 1),
        "clinicians": [s for s in staff if s.active and s.has(StaffRole.CLINICIAN)],
        "picked": people,
        "values": values,
        "errors": errors,
    }


async def _picked_payer(deps: Deps, actor: StaffActor, raw: str) -> tuple[str, str] | None:
    """(radio value, name) of a payer picked from the directory before the form failed."""
    kind, _, ident = raw.partition(":")
    try:
        if kind == PayerKind.PERSON:
            cards = await directory.person_cards(deps, actor, [PersonId(UUID(ident))])
            return (raw, cards[0].display_name) if cards else None
        if kind == PayerKind.ORGANIZATION:
            org = await directory.get_organization(deps, actor, OrganizationId(UUID(ident)))
            return raw, org.name
    except (ValueError, NotFound):
        pass
    return None


class _Registered:
    """People this request already added to the directory: if opening the case then fails,
    the form shows them as picked people so that a retry does not register them twice."""

    def __init__(self) -> None:
        self.rows: dict[int, PersonId] = {}
        self.payer: PersonId | None = None


async def _register(
    deps: Deps, actor: StaffActor, form: FormMultiDict, prefix: str, field: str
) -> PersonId | None:
    name = forms.text(form, f"{prefix}name")
    if not name.strip():
        return None
    try:
        return await directory.register_person(
            deps,
            actor,
            directory.RegisterPerson(
                legal_name=name, email=forms.text(form, f"{prefix}email").strip() or None
            ),
        )
    except InvalidInput as exc:
        where = f"{prefix}email" if exc.field == "email" else field
        raise InvalidInput(exc.message, field=where) from None


def _payer(raw: str, registered: _Registered) -> cases.Payer | None:
    """The payer radio: "", "new_3" (new participant row 3), "new_payer", "person:<id>" or
    "organization:<id>"."""
    if not raw:
        return None
    if raw == "new_payer":
        if registered.payer is None:
            raise InvalidInput("Enter the name of the person who pays.", field="payer_name")
        return cases.Payer(kind=PayerKind.PERSON, id=registered.payer)
    if raw.startswith("new_"):
        pid = registered.rows.get(forms.digits(raw[4:]) or 0)
        if pid is None:
            raise InvalidInput("That new participant has no name.", field="payer")
        return cases.Payer(kind=PayerKind.PERSON, id=pid)
    kind, _, ident = raw.partition(":")
    try:
        return cases.Payer(kind=PayerKind(kind), id=UUID(ident))
    except ValueError:
        raise InvalidInput("Choose who pays from the list.", field="payer") from None


class OpeningForm(msgspec.Struct, kw_only=True):
    """The inputs of the form besides the rows of new people and each person's role."""

    provider: Annotated[StaffId, what("the responsible provider")]
    existing: Annotated[list[PersonId], what("a person")] = []
    name: str = ""
    opened_on: date | None = None
    capacity: Annotated[int, msgspec.Meta(ge=1, le=500)] | None = None
    status: Annotated[CaseStatus, what("a status")]
    payer: str = ""


async def _open(
    deps: Deps,
    actor: StaffActor,
    kind_policy: KindPolicy,
    form: FormMultiDict,
    reg: _Registered,
) -> UUID:
    typed = forms.read(form, OpeningForm)
    participants = [
        cases.Participant(
            person_id=pid, role=forms.optional_choice(form, f"role_{pid}", MemberRole, "a role")
        )
        for pid in dict.fromkeys(typed.existing)
    ]
    for row in range(1, new_rows(kind_policy) + 1):
        role = forms.optional_choice(form, f"new_role_{row}", MemberRole, "a role")
        if row not in reg.rows:
            pid = await _register(deps, actor, form, f"new_{row}_", f"new_{row}_name")
            if pid is None:
                continue
            reg.rows[row] = pid
        participants.append(cases.Participant(person_id=reg.rows[row], role=role))
    if typed.payer == "new_payer" and reg.payer is None:
        reg.payer = await _register(deps, actor, form, "payer_", "payer_name")
    return await cases.open_case(
        deps,
        actor,
        cases.OpenCase(
            kind=kind_policy.kind,
            name=typed.name,
            responsible_provider_id=typed.provider,
            participants=tuple(participants),
            opened_on=typed.opened_on,
            capacity=typed.capacity if kind_policy.has_capacity else None,
            status=typed.status,
            payer=_payer(typed.payer, reg),
        ),
    )


def _after_failure(values: dict[str, Any], reg: _Registered) -> dict[str, Any]:
    """Turn the rows already registered into picked people, keeping their roles and payer."""
    existing = values.get("existing", [])
    existing = [existing] if isinstance(existing, str) else list(existing)
    for row, pid in reg.rows.items():
        existing.append(str(pid))
        values[f"role_{pid}"] = values.pop(f"new_role_{row}", "")
        values.pop(f"new_{row}_name", None)
        values.pop(f"new_{row}_email", None)
        if values.get("payer") == f"new_{row}":
            values["payer"] = f"person:{pid}"
    if reg.payer is not None:
        existing_payer = f"person:{reg.payer}"
        values["payer"] = existing_payer
    values["existing"] = existing
    return values


class CaseOpening(Controller):
    path = "/cases/new"
    guards = [staff_only]

    @get("")
    async def pick_kind(self, actor: ActorParam) -> Template:
        return Template("cases/pick_kind.html", context={"actor": actor})

    @get("/{kind:str}")
    async def new_case_form(self, deps: DepsParam, actor: ActorParam, kind: PathStr) -> Template:
        kind_policy = _kind(kind)
        values: dict[str, Any] = {"provider": str(actor.id), "status": CaseStatus.INTAKE.value}
        context = await _form_context(deps, actor, kind_policy, values, {})
        return Template("cases/new.html", context=context)

    @post("/{kind:str}")
    async def create_case(
        self, request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, kind: PathStr
    ) -> Response[Any]:
        kind_policy = _kind(kind)
        form = await request.form()
        registered = _Registered()

        async def again(refusal: Refusal) -> Response[Any]:
            values = _after_failure(refusal.values, registered)
            context = await _form_context(deps, actor, kind_policy, values, refusal.errors)
            return Template("cases/new.html", context=context, status_code=refusal.status)

        return await form_action(
            form,
            lambda: _open(deps, actor, kind_policy, form, registered),
            done=lambda case_id: Redirect(path=f"/cases/{case_id}", status_code=303),
            again=again,
        )
