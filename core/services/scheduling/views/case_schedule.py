"""The case page's schedule panel: sessions to come, the last one, who is expected."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.case import Case
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.appointment_page import ParticipantAttendance, _attendance
from core.services.scheduling.views.attendance_grid import AttendanceGrid, grid_and_case
from core.services.scheduling.views.refs import StaffRef, ref, service_name
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor


class SessionSummary(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime
    end: datetime
    status: str
    service: str
    providers: list[StaffRef]
    participants: list[ParticipantAttendance]


class CaseSchedule(View, frozen=True, kw_only=True):
    """What the case page shows of the schedule: the next sessions, who was at the last one,
    and who is expected at the next."""

    upcoming: list[SessionSummary]
    last_session: SessionSummary | None
    next_expected: list[ParticipantAttendance]


_HAPPENED = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.LATE_CANCELLED,
)


class SchedulePanel(View, frozen=True, kw_only=True):
    """The case's schedule screen: the summary and the attendance grid."""

    summary: CaseSchedule
    grid: AttendanceGrid


async def schedule_panel(
    deps: SchedulingDeps,
    actor: Actor,
    case_id: CaseId,
    start_day: date | None = None,
    end_day: date | None = None,
) -> SchedulePanel:
    """The summary and the grid, with one audit entry for the screen that shows both."""
    summary, case = await _summary_and_case(deps, actor, case_id)
    grid, _ = await grid_and_case(deps, actor, case_id, start_day, end_day, loaded=case)
    await audit_read(deps, actor, AuditObject.CASE_SCHEDULE, case.id, case)
    return SchedulePanel(summary=summary, grid=grid)


async def case_schedule_summary(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, *, upcoming: int = 5
) -> CaseSchedule:
    summary, case = await _summary_and_case(deps, actor, case_id, upcoming=upcoming)
    await audit_read(deps, actor, AuditObject.CASE_SCHEDULE, case.id, case)
    return summary


async def _summary_and_case(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, *, upcoming: int = 5
) -> tuple[CaseSchedule, Case]:
    staff_actor(actor)
    tz, now = deps.tz, deps.clock.now()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.VIEW_SCHEDULE)
        coming = await uow.appointments.for_case(
            case_id, start=now, statuses=[AppointmentStatus.SCHEDULED], limit=upcoming
        )
        last = await uow.appointments.for_case(
            case_id, end=now, statuses=_HAPPENED, limit=1, newest_first=True
        )
        names = await uow.people.display_names(m.person_id for m in case.memberships)
        staff = {s.id: s for s in await uow.staff.list_all()}
        services = {s.id: s for s in await uow.services.list_all(include_inactive=True)}

    def summary(a: Appointment) -> SessionSummary:
        return SessionSummary(
            id=a.id,
            start=a.start.astimezone(tz),
            end=a.end.astimezone(tz),
            status=a.status.value,
            service=service_name(services, a.service_id),
            providers=[ref(staff, p) for p in a.providers],
            participants=_attendance(a, a.expected(case, tz), names),
        )

    sessions = [summary(a) for a in coming]
    schedule = CaseSchedule(
        upcoming=sessions,
        last_session=summary(last[0]) if last else None,
        next_expected=sessions[0].participants if sessions else [],
    )
    return schedule, case
