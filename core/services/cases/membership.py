"""Use cases of membership: who joins a case, and when they leave."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case
from core.domain.cases.kinds import MemberRole
from core.domain.cases.responsibilities import CommunicationPreference, PayerKind
from core.domain.directory.parties import Channel, Person
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import Edit, change_case
from core.services.cases.lookups import picked_or_new
from core.services.cases.payer_terms import Payer, billing_of, payer_in
from core.services.directory.people import RegisterPerson
from core.services.shared.use_case import Command, Deps


class AddMember(Command, frozen=True, kw_only=True):
    """A person of the directory (`person_id`) or a new one (`new_person`) joins the case, and
    in the same change who pays for them and whether they get reminders.

    `pays_for_self`: the member pays for themselves; else `paid_by` (an existing payer, or a
    new person) pays for them; neither: nobody yet. The payer covers that member, not the
    whole case. `reminders`: on the person's preferred channel (else the one they can get)."""

    case_id: CaseId
    person_id: PersonId | None = None
    new_person: RegisterPerson | None = None
    role: MemberRole | None = None
    joined_on: date | None = None
    pays_for_self: bool = False
    paid_by: Payer | None = None
    reminders: bool = False


async def add_member(deps: Deps, actor: Actor, cmd: AddMember) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        if cmd.pays_for_self and cmd.paid_by is not None:
            raise InvalidInput("Choose one payer for the member.", field="pays")
        person = await picked_or_new(deps, uow, actor, cmd.person_id, cmd.new_person, "person_id")
        found = await uow.people.get_many([person])
        if person not in found:
            raise InvalidInput("Choose people from the practice directory.", field="person_id")
        joined = cmd.joined_on or deps.clock.today()
        reminders = reminders_for(found[person]) if cmd.reminders else None
        case.add_member(
            deps.ids.new(),
            person,
            cmd.role,
            joined,
            unreachable=cmd.reminders and reminders is None,
        )
        payer = Payer(kind=PayerKind.PERSON, id=person) if cmd.pays_for_self else cmd.paid_by
        if payer is not None:
            require(actor, case, deps.clock.today(), Permission.MANAGE_BILLING)
            payer = await payer_in(deps, uow, actor, payer)
            covering = msgspec.structs.replace(payer, covers=person)
            case.add_billing(billing_of(deps, covering, joined), joins=True)
        if reminders is not None:
            case.set_communication(reminders, joins=True)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


def reminders_for(person: Person) -> CommunicationPreference | None:
    """Reminders on the person's preferred channel, else on the one they can receive; None
    when they have none yet (a child without an email joins all the same, and the history
    says they get no reminders)."""
    usable = [
        c
        for c in (person.preferred_channel, Channel.EMAIL, Channel.SMS)
        if c is not Channel.NONE and _can_use(person, c)
    ]
    if not usable:
        return None
    return CommunicationPreference(person_id=person.id, channel=usable[0], reminders=True)


def _can_use(person: Person, channel: Channel) -> bool:
    try:
        person.check_channel(channel)
    except InvalidInput:
        return False
    return True


class EndMembership(Command, frozen=True, kw_only=True):
    """The member's last day. Their reminders and portal access in the case end with it, and
    the payers who cover them end that day unless `keep_billing`. Attendance recorded after
    that day is refused unless `attendance_after_leaving` (then kept, marked so)."""

    case_id: CaseId
    membership_id: UUID
    left_on: date | None = None
    keep_billing: bool = False
    attendance_after_leaving: bool = False


async def end_membership(deps: Deps, actor: Actor, cmd: EndMembership) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        left = cmd.left_on or deps.clock.today()
        member = next((m.person_id for m in case.memberships if m.id == cmd.membership_id), None)
        if not cmd.keep_billing and any(
            b.covers == member and b.period.contains(left) for b in case.billing
        ):
            # Ending someone's payer is a billing change.
            require(actor, case, deps.clock.today(), Permission.MANAGE_BILLING)
        case.end_membership(
            cmd.membership_id,
            left,
            keep_billing=cmd.keep_billing,
            attendance_after_leaving=cmd.attendance_after_leaving,
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class ChangeMembershipEnd(Command, frozen=True, kw_only=True):
    """Correct a membership's last day (`left_on`), or remove it (None)."""

    case_id: CaseId
    membership_id: UUID
    left_on: date | None = None
    attendance_after_leaving: bool = False
    version: int | None = None  # what the form read (core.services.cases.changes.Edit)
    was: str | None = None  # the last day it showed (ISO, "" for none)


async def change_membership_end(deps: Deps, actor: Actor, cmd: ChangeMembershipEnd) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        case.change_membership_end(
            cmd.membership_id, cmd.left_on, attendance_after_leaving=cmd.attendance_after_leaving
        )

    def last_day(case: Case) -> str:
        found = [m.period.end for m in case.memberships if m.id == cmd.membership_id]
        return found[0].isoformat() if found and found[0] else ""

    edit = Edit(cmd.version, cmd.was, last_day)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)
