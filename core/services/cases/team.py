"""Use cases of the case team: responsible provider, co-therapists, supervisor, administrative
support.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import DUTY_PERMISSION, Actor, Permission, require_may_assign
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import (
    StaffDuty,
)
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case
from core.services.cases.lookups import require_clinician
from core.services.shared.use_case import Command, Deps

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
    async def change(case: Case, uow: UnitOfWork) -> None:
        require_may_assign(actor, case, deps.clock.today(), cmd.staff_id, cmd.duty)
        await _staff_name(uow, cmd.staff_id, cmd.duty)
        day = cmd.from_day or deps.clock.today()
        new_id = deps.ids.new()
        if cmd.duty is StaffDuty.RESPONSIBLE_PROVIDER:
            case.assign_responsible_provider(new_id, cmd.staff_id, day)
        elif cmd.duty is StaffDuty.SUPERVISOR:
            case.set_supervisor(new_id, cmd.staff_id, day)
        else:
            case.add_staff_duty(new_id, cmd.staff_id, cmd.duty, day)

    return await change_case(deps, actor, cmd.case_id, DUTY_PERMISSION[cmd.duty], change)


class EndStaffDuty(Command, frozen=True, kw_only=True):
    case_id: CaseId
    assignment_id: UUID
    on: date | None = None


async def end_staff_duty(deps: Deps, actor: Actor, cmd: EndStaffDuty) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        on = cmd.on or deps.clock.today()
        case.end_staff_duty(cmd.assignment_id, on)

    def permission(case: Case) -> Permission:
        # An unknown id needs the least permission; the domain then says it is not there.
        duty = next((a.duty for a in case.staff if a.id == cmd.assignment_id), None)
        return DUTY_PERMISSION[duty] if duty else Permission.VIEW_CASE

    return await change_case(deps, actor, cmd.case_id, permission, change)
