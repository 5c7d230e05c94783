"""Use cases for the separate responsibilities of a case: clinical, administrative, billing,
communication, and people acting for a participant. Each changes one fact and nothing else."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.access import DUTY_PERMISSION, Actor, Permission, require_may_assign
from core.domain.case import Case
from core.domain.errors import InvalidInput
from core.domain.parties import Channel, StaffRole
from core.domain.responsibilities import (
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerRef,
    StaffDuty,
)
from core.domain.values import CaseId, Period, PersonId, StaffId
from core.ports import UnitOfWork
from core.services.cases import (
    Payer,
    billing_of,
    person_names,
    require_clinician,
    require_payer,
)
from core.services.context import Change, Command, Deps, change_case

# The staff role each duty needs.
_DUTY_ROLE = {
    StaffDuty.RESPONSIBLE_PROVIDER: StaffRole.CLINICIAN,
    StaffDuty.CO_THERAPIST: StaffRole.CLINICIAN,
    StaffDuty.SUPERVISOR: StaffRole.SUPERVISOR,
    StaffDuty.ADMIN_SUPPORT: StaffRole.ADMINISTRATOR,
}


class AssignStaff(Command, frozen=True, kw_only=True):
    """Give a staff member a duty on a case from a day on. A new responsible provider or case
    supervisor replaces the previous one; co-therapists and administrative support add up."""

    case_id: CaseId
    staff_id: StaffId
    duty: StaffDuty
    from_day: date | None = None


async def _staff_name(uow: UnitOfWork, staff_id: StaffId, duty: StaffDuty) -> str:
    if _DUTY_ROLE[duty] is StaffRole.CLINICIAN:
        return await require_clinician(uow, staff_id, "staff_id")
    staff = await uow.staff.get(staff_id)
    role = _DUTY_ROLE[duty]
    if staff is None or not staff.active or not staff.has(role):
        raise InvalidInput(f"Choose an active {role.value} of the practice.", field="staff_id")
    return staff.name


async def assign_staff(deps: Deps, actor: Actor, cmd: AssignStaff) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        require_may_assign(actor, case, deps.clock.today(), cmd.staff_id, cmd.duty)
        name = await _staff_name(uow, cmd.staff_id, cmd.duty)
        day = cmd.from_day or deps.clock.today()
        new_id = deps.ids.new()
        if cmd.duty is StaffDuty.RESPONSIBLE_PROVIDER:
            case.assign_responsible_provider(new_id, cmd.staff_id, day)
        elif cmd.duty is StaffDuty.SUPERVISOR:
            case.set_supervisor(new_id, cmd.staff_id, day)
        else:
            case.add_staff_duty(new_id, cmd.staff_id, cmd.duty, day)
        return Change(cmd.duty.value, f"{name} is {cmd.duty.label} from {day.isoformat()}.")

    return await change_case(deps, actor, cmd.case_id, DUTY_PERMISSION[cmd.duty], change)


class EndStaffDuty(Command, frozen=True, kw_only=True):
    case_id: CaseId
    assignment_id: UUID
    on: date | None = None


async def end_staff_duty(deps: Deps, actor: Actor, cmd: EndStaffDuty) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        on = cmd.on or deps.clock.today()
        ended = case.end_staff_duty(cmd.assignment_id, on)
        staff = await uow.staff.get(ended.staff_id)
        who = staff.name if staff else "A staff member"
        return Change(
            f"{ended.duty.value}_ended",
            f"{who} is no longer {ended.duty.label} after {on.isoformat()}.",
        )

    def permission(case: Case) -> Permission:
        # An unknown id needs the least permission; the domain then says it is not there.
        duty = next((a.duty for a in case.staff if a.id == cmd.assignment_id), None)
        return DUTY_PERMISSION[duty] if duty else Permission.VIEW_CASE

    return await change_case(deps, actor, cmd.case_id, permission, change)


# ----- billing ------------------------------------------------------------------------------------


class AddBillingResponsibility(Command, frozen=True, kw_only=True):
    case_id: CaseId
    payer: Payer
    from_day: date | None = None


async def add_billing_responsibility(
    deps: Deps, actor: Actor, cmd: AddBillingResponsibility
) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        payer_name = await require_payer(uow, PayerRef(cmd.payer.kind, cmd.payer.id))
        day = cmd.from_day or deps.clock.today()
        added = case.add_billing(billing_of(deps, cmd.payer, day))
        if added.covers is None:
            target = "the whole case"
        else:
            target = (await person_names(uow, [added.covers]))[added.covers]
        share = f" ({added.share_percent}%)" if added.share_percent else ""
        return Change(
            "payer_added", f"{payer_name} pays for {target}{share} from {day.isoformat()}."
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_BILLING, change)


class EndBillingResponsibility(Command, frozen=True, kw_only=True):
    case_id: CaseId
    responsibility_id: UUID
    on: date | None = None


async def end_billing_responsibility(
    deps: Deps, actor: Actor, cmd: EndBillingResponsibility
) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        on = cmd.on or deps.clock.today()
        ended = case.end_billing(cmd.responsibility_id, on)
        name = await require_payer(uow, ended.payer)
        return Change("payer_ended", f"{name} stops paying after {on.isoformat()}.")

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_BILLING, change)


# ----- communication ------------------------------------------------------------------------------


class SetCommunication(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    channel: Channel = Channel.EMAIL
    reminders: bool = False
    invoices: bool = False
    clinical_messages: bool = False
    portal_access: bool = False


async def set_communication(deps: Deps, actor: Actor, cmd: SetCommunication) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        person = await uow.people.get(cmd.person_id)
        if person is None:
            raise InvalidInput("Choose a person of this case.", field="person_id")
        if cmd.channel is not Channel.NONE:
            person.check_channel(cmd.channel)
        if cmd.portal_access and not person.email:
            raise InvalidInput(
                "Portal access needs an email address to sign in with.", field="portal_access"
            )
        case.set_communication(
            CommunicationPreference(
                person_id=cmd.person_id,
                channel=cmd.channel,
                reminders=cmd.reminders,
                invoices=cmd.invoices,
                clinical_messages=cmd.clinical_messages,
                portal_access=cmd.portal_access,
            )
        )
        what = [
            label
            for label, on in (
                ("reminders", cmd.reminders),
                ("invoices", cmd.invoices),
                ("clinical messages", cmd.clinical_messages),
                ("portal access", cmd.portal_access),
            )
            if on
        ]
        return Change(
            "communication",
            f"{person.display_name}: {', '.join(what) or 'nothing'} by {cmd.channel.value}.",
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


# ----- people acting for a participant ------------------------------------------------------------


class GrantHelperRole(Command, frozen=True, kw_only=True):
    case_id: CaseId
    helper_id: PersonId
    for_person_id: PersonId
    kind: HelperKind
    from_day: date | None = None


async def grant_helper_role(deps: Deps, actor: Actor, cmd: GrantHelperRole) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        names = await person_names(uow, [cmd.helper_id, cmd.for_person_id])
        day = cmd.from_day or deps.clock.today()
        case.grant_helper(
            HelperRole(deps.ids.new(), cmd.helper_id, cmd.for_person_id, cmd.kind, Period(day))
        )
        return Change(
            "helper_granted",
            f"{names[cmd.helper_id]} is {cmd.kind.label} for {names[cmd.for_person_id]} "
            f"from {day.isoformat()}.",
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class RevokeHelperRole(Command, frozen=True, kw_only=True):
    case_id: CaseId
    role_id: UUID
    on: date | None = None


async def revoke_helper_role(deps: Deps, actor: Actor, cmd: RevokeHelperRole) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> Change:
        on = cmd.on or deps.clock.today()
        ended = case.revoke_helper(cmd.role_id, on)
        names = await person_names(uow, [ended.helper_id])
        return Change(
            "helper_revoked",
            f"{names[ended.helper_id]} is no longer {ended.kind.label} after {on.isoformat()}.",
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)
