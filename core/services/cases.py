"""Use cases of a case's life: opening, naming, status, closing and reopening, membership."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from core.domain.access import Actor, Permission, may_open_case_for, require, require_may_assign
from core.domain.case import Case, CaseStatus
from core.domain.case_kinds import CaseKind, MemberRole, policy
from core.domain.errors import Forbidden, InvalidInput
from core.domain.responsibilities import BillingResponsibility, PayerKind, PayerRef, StaffDuty
from core.domain.values import CaseId, Period, PersonId, StaffId
from core.ports import UnitOfWork
from core.services.context import (
    Change,
    Command,
    Deps,
    change_case,
    load_case,
    record,
    staff_actor,
)
from core.services.scheduling import cancel_upcoming


class Participant(msgspec.Struct, frozen=True, kw_only=True):
    person_id: PersonId
    role: MemberRole | None = None


class Payer(msgspec.Struct, frozen=True, kw_only=True):
    """Who pays, for whom (None: the whole case), and which share (None: all of it)."""

    kind: PayerKind
    id: UUID
    covers: PersonId | None = None
    share_percent: int | None = None


class OpenCase(Command, frozen=True, kw_only=True):
    kind: CaseKind
    name: str = ""
    responsible_provider_id: StaffId
    participants: tuple[Participant, ...] = ()
    opened_on: date | None = None
    capacity: int | None = None
    status: CaseStatus = CaseStatus.INTAKE
    payer: Payer | None = None


async def require_clinician(uow: UnitOfWork, staff_id: StaffId, field: str) -> str:
    staff = await uow.staff.get(staff_id)
    if staff is None or not staff.active or not staff.is_clinician:
        raise InvalidInput("Choose an active clinician of the practice.", field=field)
    return staff.name


async def require_payer(uow: UnitOfWork, payer: PayerRef) -> str:
    """The payer's display name; the payer must exist."""
    if payer.kind is PayerKind.PERSON:
        person = await uow.people.get(PersonId(payer.id))
        if person is not None:
            return person.display_name
    else:
        organization = await uow.organizations.get(payer.id)  # type: ignore[arg-type]
        if organization is not None:
            return organization.name
    raise InvalidInput("Choose a person or organization of the directory as payer.", field="payer")


async def person_names(uow: UnitOfWork, ids: list[PersonId]) -> dict[PersonId, str]:
    people = await uow.people.get_many(ids)
    missing = set(ids) - set(people)
    if missing:
        raise InvalidInput("Choose people from the practice directory.", field="person_id")
    return {pid: p.display_name for pid, p in people.items()}


def billing_of(deps: Deps, payer: Payer, start: date) -> BillingResponsibility:
    return BillingResponsibility(
        id=deps.ids.new(),
        payer=PayerRef(payer.kind, payer.id),
        covers=payer.covers,
        period=Period(start),
        share_percent=payer.share_percent,
    )


async def open_case(deps: Deps, actor: Actor, cmd: OpenCase) -> CaseId:
    if not may_open_case_for(actor, cmd.responsible_provider_id):
        raise Forbidden(
            "You can open cases for yourself, or as an administrator for the clinicians you "
            "support.",
        )
    opened_on = cmd.opened_on or deps.clock.today()
    async with deps.uow() as uow:
        provider_name = await require_clinician(uow, cmd.responsible_provider_id, "provider")
        names = await person_names(uow, [p.person_id for p in cmd.participants])
        name = cmd.name.strip() or " & ".join(names[p.person_id] for p in cmd.participants[:3])
        case = Case.open(
            id=CaseId(deps.ids.new()),
            kind=cmd.kind,
            name=name,
            opened_on=opened_on,
            responsible_provider=cmd.responsible_provider_id,
            new_id=deps.ids.new,
            participants=[(p.person_id, p.role) for p in cmd.participants],
            capacity=cmd.capacity,
            status=cmd.status,
        )
        if cmd.payer is not None:
            await require_payer(uow, PayerRef(cmd.payer.kind, cmd.payer.id))
            case.add_billing(billing_of(deps, cmd.payer, opened_on))
        await uow.cases.add(case)
        word = policy(cmd.kind).label
        await record(
            deps,
            uow,
            actor,
            case,
            Change("opened", f"Opened as a {word} case with {provider_name} responsible."),
        )
        await uow.commit()
    return case.id


class RenameCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    name: str


async def rename_case(deps: Deps, actor: Actor, cmd: RenameCase) -> Case:
    async def change(case: Case, _: UnitOfWork) -> Change:
        before = case.name
        case.rename(cmd.name)
        return Change("renamed", f"Renamed from “{before}” to “{case.name}”.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class SetCapacity(Command, frozen=True, kw_only=True):
    case_id: CaseId
    capacity: int | None


async def set_capacity(deps: Deps, actor: Actor, cmd: SetCapacity) -> Case:
    async def change(case: Case, _: UnitOfWork) -> Change:
        case.set_capacity(cmd.capacity)
        return Change("capacity", f"Capacity set to {cmd.capacity or 'no limit'}.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class ChangeStatus(Command, frozen=True, kw_only=True):
    case_id: CaseId
    status: CaseStatus


async def change_status(deps: Deps, actor: Actor, cmd: ChangeStatus) -> Case:
    async def change(case: Case, _: UnitOfWork) -> Change:
        case.change_status(cmd.status)
        return Change("status", f"Status changed to {case.status.label}.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class CloseCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    closed_on: date | None = None


async def close_case(deps: Deps, actor: Actor, cmd: CloseCase) -> Case:
    """Closing ends everything: memberships and responsibilities end that day, and the
    sessions still to come are cancelled (a closed case cannot change them any more)."""

    async def change(case: Case, uow: UnitOfWork) -> Change:
        on = cmd.closed_on or deps.clock.today()
        case.close(on)
        cancelled = await cancel_upcoming(deps, uow, staff_actor(actor), case)
        n = len(cancelled)
        rest = f" Cancelled {n} scheduled session{'s' * (n > 1)} to come." if n else ""
        return Change("closed", f"Closed on {on.isoformat()}.{rest}")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class ReopenCase(Command, frozen=True, kw_only=True):
    case_id: CaseId
    reopened_on: date | None = None
    responsible_provider_id: StaffId | None = None  # None: whoever was responsible at closing


async def reopen_case(deps: Deps, actor: Actor, cmd: ReopenCase) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
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
        name = await require_clinician(uow, provider, "provider")
        case.reopen(on, provider, deps.ids.new)
        return Change("reopened", f"Reopened on {on.isoformat()} with {name} responsible.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


# ----- membership ---------------------------------------------------------------------------------


class AddMember(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    role: MemberRole | None = None
    joined_on: date | None = None


async def add_member(deps: Deps, actor: Actor, cmd: AddMember) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        names = await person_names(uow, [cmd.person_id])
        joined = cmd.joined_on or deps.clock.today()
        m = case.add_member(deps.ids.new(), cmd.person_id, cmd.role, joined)
        return Change(
            "member_added",
            f"{names[cmd.person_id]} joined as {m.role.label} on {joined.isoformat()}.",
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class EndMembership(Command, frozen=True, kw_only=True):
    case_id: CaseId
    membership_id: UUID
    left_on: date | None = None


async def end_membership(deps: Deps, actor: Actor, cmd: EndMembership) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        left = cmd.left_on or deps.clock.today()
        ended = case.end_membership(cmd.membership_id, left)
        names = await person_names(uow, [ended.person_id])
        return Change("member_left", f"{names[ended.person_id]} left on {left.isoformat()}.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


async def get_case(deps: Deps, actor: Actor, case_id: CaseId) -> Case:
    """The case aggregate, for an actor who may see it."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
    require(actor, case, deps.clock.today(), Permission.VIEW_CASE)
    return case
