"""The case page's schedule panel: sessions to come, the last one, who is expected."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.case import Case
from core.domain.directory.parties import StaffMember
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.services import Service
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.scheduling import AppointmentRepository
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.appointment_page import ParticipantAttendance, _attendance
from core.services.scheduling.views.attendance_grid import (
    GRID_STATUSES,
    AttendanceGrid,
    build_grid,
    grid_days,
    grid_span,
)
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
    """The summary and the grid, with one audit entry for the screen that shows both. The
    sessions of the grid's days are read first; the summary's come from them when the grid
    holds them all (the next `upcoming` and the last one before now: the default grid does for
    a case seen weekly), else from their own queries, as `case_schedule_summary` reads them."""
    staff_actor(actor)
    tz, now, today = deps.tz, deps.clock.now(), deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, today, Permission.VIEW_SCHEDULE)
        first, last = grid_days(today, start_day, end_day)
        start, end = grid_span(first, last, tz)
        # Read a few weeks past the grid's end when it ends after now, so that the next
        # sessions of a case seen weekly are among them (the grid shows those of its days).
        ahead = end + _LOOK_AHEAD if start <= now < end else end
        found = await uow.appointments.for_case(
            case_id, start=start, end=ahead, statuses=GRID_STATUSES
        )
        coming: list[Appointment] | None = None
        happened: list[Appointment] | None = None
        if start <= now < end:
            # Every session of [start, ahead) was read, now among them: the first ones from
            # now, and the latest before now, are the case's if they are among them.
            after = [a for a in found if a.start >= now and a.status is AppointmentStatus.SCHEDULED]
            if len(after) >= _UPCOMING:
                coming = after[:_UPCOMING]
            before = [a for a in found if a.start < now and a.status in _HAPPENED]
            if before:
                happened = before[-1:]
        if coming is None:
            coming = await _coming(uow.appointments, case_id, now, _UPCOMING)
        if happened is None:
            happened = await _last(uow.appointments, case_id, now)
        names = await uow.people.display_names(m.person_id for m in case.memberships)
        staff = {s.id: s for s in await uow.staff.list_all()}
        services = {s.id: s for s in await uow.services.list_all(include_inactive=True)}
    summary = _summary(case, coming, happened, names, staff, services, tz)
    shown = [a for a in found if a.start < end]
    grid = build_grid(case, shown, names, first, last, tz, today)
    await audit_read(deps, actor, AuditObject.CASE_SCHEDULE, case.id, case)
    return SchedulePanel(summary=summary, grid=grid)


_UPCOMING = 5
_LOOK_AHEAD = timedelta(weeks=_UPCOMING)  # weekly sessions: the next five past the grid's end


async def _coming(
    appointments: AppointmentRepository, case_id: CaseId, now: datetime, upcoming: int
) -> list[Appointment]:
    return await appointments.for_case(
        case_id, start=now, statuses=[AppointmentStatus.SCHEDULED], limit=upcoming
    )


async def _last(
    appointments: AppointmentRepository, case_id: CaseId, now: datetime
) -> list[Appointment]:
    return await appointments.for_case(
        case_id, end=now, statuses=_HAPPENED, limit=1, newest_first=True
    )


async def case_schedule_summary(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, *, upcoming: int = _UPCOMING
) -> CaseSchedule:
    summary, case = await _summary_and_case(deps, actor, case_id, upcoming=upcoming)
    await audit_read(deps, actor, AuditObject.CASE_SCHEDULE, case.id, case)
    return summary


async def _summary_and_case(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, *, upcoming: int = _UPCOMING
) -> tuple[CaseSchedule, Case]:
    staff_actor(actor)
    tz, now = deps.tz, deps.clock.now()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.VIEW_SCHEDULE)
        coming = await _coming(uow.appointments, case_id, now, upcoming)
        last = await _last(uow.appointments, case_id, now)
        names = await uow.people.display_names(m.person_id for m in case.memberships)
        staff = {s.id: s for s in await uow.staff.list_all()}
        services = {s.id: s for s in await uow.services.list_all(include_inactive=True)}
    return _summary(case, coming, last, names, staff, services, tz), case


def _summary(
    case: Case,
    coming: list[Appointment],
    last: list[Appointment],
    names: Mapping[PersonId, str],
    staff: dict[StaffId, StaffMember],
    services: dict[UUID, Service],
    tz: ZoneInfo,
) -> CaseSchedule:
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
    return CaseSchedule(
        upcoming=sessions,
        last_session=summary(last[0]) if last else None,
        next_expected=sessions[0].participants if sessions else [],
    )
