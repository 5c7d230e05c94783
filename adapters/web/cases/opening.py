"""Opening a case: pick the kind, then one form in that kind's words with its first
participants (found in the directory or new), responsible provider and payer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathStr
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
        "representative_picked": await _picked_payer(
            deps, actor, f"{PayerKind.PERSON}:{values.get('representative', '')}"
        ),
        "represents": kind_policy.kind is CaseKind.INDIVIDUAL,
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


def _new_person(
    deps: Deps, form: FormMultiDict, prefix: str, field: str
) -> directory.RegisterPerson | None:
    """A new person typed into one row of the form (None: the row is empty), checked here so
    that a refusal goes next to its row; the case registers them when it opens."""
    name = forms.text(form, f"{prefix}name")
    if not name.strip():
        return None
    born = forms.text(form, f"{prefix}date_of_birth").strip()
    try:
        date_of_birth = date.fromisoformat(born) if born else None
    except ValueError:
        raise InvalidInput(
            "Enter the date of birth as a date (YYYY-MM-DD).", field=f"{prefix}date_of_birth"
        ) from None
    person = directory.RegisterPerson(
        legal_name=name,
        email=forms.text(form, f"{prefix}email").strip() or None,
        date_of_birth=date_of_birth,
    )
    try:
        directory.check_details(deps, person)
    except InvalidInput as exc:
        named = {"email": f"{prefix}email", "date_of_birth": f"{prefix}date_of_birth"}
        raise InvalidInput(exc.message, field=named.get(exc.field or "", field)) from None
    return person


def _representative(
    deps: Deps, form: FormMultiDict, kind_policy: KindPolicy, pays: bool
) -> cases.Representative | None:
    """The representative radio of an individual case: "" (none), "new" (the name and email
    typed next to it) or a person's id picked from the directory."""
    raw = forms.text(form, "representative")
    if kind_policy.kind is not CaseKind.INDIVIDUAL or not raw:
        if pays:
            raise InvalidInput("Name the representative who pays.", field="representative")
        return None
    if raw == "new":
        person = _new_person(deps, form, "representative_", "representative_name")
        if person is None:
            raise InvalidInput("Enter the representative's name.", field="representative_name")
        return cases.Representative(new_person=person, pays=pays)
    try:
        return cases.Representative(person_id=PersonId(UUID(raw)), pays=pays)
    except ValueError:
        raise InvalidInput(
            "Choose the representative from the list.", field="representative"
        ) from None


def _payer(deps: Deps, form: FormMultiDict, raw: str) -> cases.Payer | None:
    """The payer radio: "", "new_3" (new participant row 3: that participant `pays`),
    "representative", "new_payer", "person:<id>" or "organization:<id>"."""
    if not raw or raw == "representative" or (raw.startswith("new_") and raw != "new_payer"):
        return None
    if raw == "new_payer":
        person = _new_person(deps, form, "payer_", "payer_name")
        if person is None:
            raise InvalidInput("Enter the name of the person who pays.", field="payer_name")
        return cases.Payer(kind=PayerKind.PERSON, new_person=person)
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
    deps: Deps, actor: StaffActor, kind_policy: KindPolicy, form: FormMultiDict
) -> UUID:
    """One unit of work: the new people are registered with the case, so a refused opening
    leaves nobody new in the directory and a retry registers them once."""
    typed = forms.read(form, OpeningForm)
    participants = [
        cases.Participant(
            person_id=pid, role=forms.optional_choice(form, f"role_{pid}", MemberRole, "a role")
        )
        for pid in dict.fromkeys(typed.existing)
    ]
    rows: dict[int, cases.Participant] = {}
    for row in range(1, new_rows(kind_policy) + 1):
        role = forms.optional_choice(form, f"new_role_{row}", MemberRole, "a role")
        person = _new_person(deps, form, f"new_{row}_", f"new_{row}_name")
        if person is not None:
            rows[row] = cases.Participant(
                new_person=person, role=role, pays=typed.payer == f"new_{row}"
            )
    new_row = typed.payer.startswith("new_") and typed.payer != "new_payer"
    if new_row and (forms.digits(typed.payer[4:]) or 0) not in rows:
        raise InvalidInput("That new participant has no name.", field="payer")
    return await cases.open_case(
        deps,
        actor,
        cases.OpenCase(
            kind=kind_policy.kind,
            name=typed.name,
            responsible_provider_id=typed.provider,
            participants=(*participants, *rows.values()),
            opened_on=typed.opened_on,
            capacity=typed.capacity if kind_policy.has_capacity else None,
            status=typed.status,
            payer=_payer(deps, form, typed.payer),
            representative=_representative(
                deps, form, kind_policy, pays=typed.payer == "representative"
            ),
        ),
    )


class CaseOpening(StaffController):
    path = "/cases/new"

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
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, kind: PathStr
    ) -> Response[Any]:
        kind_policy = _kind(kind)
        form = await request.form()

        async def again(refusal: Refusal) -> Response[Any]:
            context = await _form_context(deps, actor, kind_policy, refusal.values, refusal.errors)
            return Template("cases/new.html", context=context, status_code=refusal.status)

        return await form_action(
            form,
            lambda: _open(deps, actor, kind_policy, form),
            done=lambda case_id: Redirect(path=f"/cases/{case_id}", status_code=303),
            again=again,
        )
