"""Use cases of a case's life: opening, naming, capacity, status, closing, reopening."""

from __future__ import annotations

from datetime import date

import msgspec

from core.domain.cases.access import (
    Actor,
    Permission,
    may_open_case_for,
    require,
    require_may_assign,
)
from core.domain.cases.case import Case, CaseStatus
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import HelperKind, HelperRole, PayerKind, StaffDuty
from core.domain.shared.errors import Forbidden, InvalidInput
from core.domain.shared.values import CaseId, Period, PersonId, StaffId
from core.ports import UnitOfWork
from core.services.cases.changes import Edit, change_case, load_case, on_behalf_for
from core.services.cases.lookups import person_names, picked_or_new, require_clinician
from core.services.cases.payer_terms import Payer, billing_of, payer_in
from core.services.directory.people import RegisterPerson
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps


class Participant(msgspec.Struct, frozen=True, kw_only=True):
    """A person of the directory (`person_id`), or a new one registered with the case."""

    person_id: PersonId | None = None
    new_person: RegisterPerson | None = None
    role: MemberRole | None = None
    pays: bool = False  # this participant is the case's payer (`OpenCase.payer` then unset)


class Representative(msgspec.Struct, frozen=True, kw_only=True):
    """A parent or guardian who signs for the case's first participant (a minor), named with
    the case so that a teen's case opens in one step: picked (`person_id`) or new."""

    person_id: PersonId | None = None
    new_person: RegisterPerson | None = None
    pays: bool = False  # the representative is the case's payer (`OpenCase.payer` then unset)


class OpenCase(Command, frozen=True, kw_only=True):
    kind: CaseKind
    name: str = ""
    responsible_provider_id: StaffId
    participants: tuple[Participant, ...] = ()
    opened_on: date | None = None
    capacity: int | None = None
    status: CaseStatus = CaseStatus.INTAKE
    payer: Payer | None = None
    representative: Representative | None = None


async def open_case(deps: Deps, actor: Actor, cmd: OpenCase) -> CaseId:
    if not may_open_case_for(actor, cmd.responsible_provider_id):
        raise Forbidden(
            "You can open cases for yourself, or as an administrator for the clinicians you "
            "support.",
        )
    opened_on = cmd.opened_on or deps.clock.today()
    async with deps.uow() as uow:
        await require_clinician(uow, cmd.responsible_provider_id, "provider")
        # New people are registered in this unit of work: a refused opening leaves none.
        people = [
            await picked_or_new(deps, uow, actor, p.person_id, p.new_person, "person_id")
            for p in cmd.participants
        ]
        names = await person_names(uow, people)
        name = cmd.name.strip() or " & ".join(names[p] for p in people[:3])
        case = Case.open(
            id=CaseId(deps.ids.new()),
            kind=cmd.kind,
            name=name,
            opened_on=opened_on,
            responsible_provider=cmd.responsible_provider_id,
            new_id=deps.ids.new,
            participants=[(pid, p.role) for pid, p in zip(people, cmd.participants, strict=True)],
            capacity=cmd.capacity,
            status=cmd.status,
        )
        payer = cmd.payer
        paying = [pid for pid, p in zip(people, cmd.participants, strict=True) if p.pays]
        if paying:
            payer = Payer(kind=PayerKind.PERSON, id=paying[0])
        if cmd.representative is not None:
            representative = await _represent(deps, uow, actor, case, people, cmd.representative)
            if cmd.representative.pays:
                payer = Payer(kind=PayerKind.PERSON, id=representative)
        if payer is not None:
            payer = await payer_in(deps, uow, actor, payer)
            case.add_billing(billing_of(deps, payer, opened_on))
        await uow.cases.add(case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
    return case.id


async def _represent(
    deps: Deps,
    uow: UnitOfWork,
    actor: Actor,
    case: Case,
    people: list[PersonId],
    cmd: Representative,
) -> PersonId:
    if not people:
        raise InvalidInput(
            "Name the client first: the representative signs for them.", field="representative"
        )
    person = await picked_or_new(deps, uow, actor, cmd.person_id, cmd.new_person, "representative")
    case.grant_helper(
        HelperRole(
            deps.ids.new(), person, people[0], HelperKind.REPRESENTATIVE, Period(case.opened_on)
        )
    )
    return person


class RenameCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    name: str
    version: int | None = None  # the case's, as the form was read (see `changes.Edit`)
    was: str | None = None  # the name the form showed


async def rename_case(deps: Deps, actor: Actor, cmd: RenameCase) -> Case:
    async def change(case: Case, _: UnitOfWork) -> None:
        case.rename(cmd.name)

    edit = Edit(cmd.version, cmd.was, lambda case: case.name)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)


class SetCapacity(Command, frozen=True, kw_only=True):
    case_id: CaseId
    capacity: int | None
    version: int | None = None
    was: str | None = None


async def set_capacity(deps: Deps, actor: Actor, cmd: SetCapacity) -> Case:
    async def change(case: Case, _: UnitOfWork) -> None:
        case.set_capacity(cmd.capacity)

    edit = Edit(cmd.version, cmd.was, lambda case: case.capacity)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)


class ChangeStatus(Command, frozen=True, kw_only=True):
    case_id: CaseId
    status: CaseStatus
    version: int | None = None
    was: str | None = None


async def change_status(deps: Deps, actor: Actor, cmd: ChangeStatus) -> Case:
    async def change(case: Case, _: UnitOfWork) -> None:
        case.change_status(cmd.status)

    edit = Edit(cmd.version, cmd.was, lambda case: case.status)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)


class CloseCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    closed_on: date | None = None


async def close_case(deps: Deps, actor: Actor, cmd: CloseCase) -> Case:
    """Closing ends everything: memberships and responsibilities end that day, and the
    sessions still to come are cancelled (a closed case cannot change them any more)."""

    async def change(case: Case, uow: UnitOfWork) -> None:
        on = cmd.closed_on or deps.clock.today()
        case.close(on)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class ReopenCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    reopened_on: date | None = None
    responsible_provider_id: StaffId | None = None  # None: whoever was responsible at closing


async def reopen_case(deps: Deps, actor: Actor, cmd: ReopenCase) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        on = cmd.reopened_on or deps.clock.today()
        previous = case.responsible_provider_on(case.closed_on or on)
        provider = cmd.responsible_provider_id or previous
        if provider is None:
            raise InvalidInput("Choose the responsible provider.", field="provider")
        if provider != previous:
            # A new provider is a clinical assignment, whatever the route to it.
            today = deps.clock.today()
            require(actor, case, today, Permission.ASSIGN_CLINICIANS)
            require_may_assign(actor, case, today, provider, StaffDuty.RESPONSIBLE_PROVIDER)
        await require_clinician(uow, provider, "provider")
        case.reopen(on, provider, deps.ids.new)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


async def get_case(deps: Deps, actor: Actor, case_id: CaseId) -> Case:
    """The case aggregate, for an actor who may see it."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
    require(actor, case, deps.clock.today(), Permission.VIEW_CASE)
    return case
