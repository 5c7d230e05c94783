"""A group's attendance grid: members by sessions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.case import Case
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.times import check_day, local_date, start_of_day
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, PersonId
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.refs import MAX_GRID_DAYS
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor


class GridSession(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime
    status: str
    shares_day: bool = False  # another session of the grid is on the same day: show the time


class GridRow(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    # One cell per session: the mark, "" when expected and not recorded, None when the person
    # was not in the case that day (and nothing is recorded for them).
    cells: list[str | None]
    # Per session: a mark recorded after the person left (kept when their membership ended
    # before it, by a clinician's explicit confirmation). Shown and counted, marked so.
    after_leaving: list[bool]
    attended: int


class AttendanceGrid(View, frozen=True, kw_only=True):
    sessions: list[GridSession]
    rows: list[GridRow]
    start_day: date
    end_day: date

    @property
    def any_after_leaving(self) -> bool:
        return any(any(r.after_leaving) for r in self.rows)


async def attendance_grid(
    deps: SchedulingDeps,
    actor: Actor,
    case_id: CaseId,
    start_day: date | None = None,
    end_day: date | None = None,
) -> AttendanceGrid:
    """Members by sessions (cancelled sessions left out), default: the last twelve weeks and
    the next four; at most MAX_GRID_DAYS, so one screen stays one bounded query."""
    grid, case = await grid_and_case(deps, actor, case_id, start_day, end_day)
    await audit_read(deps, actor, AuditObject.CASE_SCHEDULE, case.id, case)
    return grid


async def grid_and_case(
    deps: SchedulingDeps,
    actor: Actor,
    case_id: CaseId,
    start_day: date | None = None,
    end_day: date | None = None,
) -> tuple[AttendanceGrid, Case]:
    """The grid and its case, authorized but not audited."""
    staff_actor(actor)
    tz, today = deps.tz, deps.clock.today()
    first, last = grid_days(today, start_day, end_day)
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, today, Permission.VIEW_SCHEDULE)
        start, end = grid_span(first, last, tz)
        found = await uow.appointments.for_case(
            case_id, start=start, end=end, statuses=GRID_STATUSES
        )
        names = await uow.people.display_names(m.person_id for m in case.memberships)
    return build_grid(case, found, names, first, last, tz, today), case


# Cancelled sessions are left out of the grid.
GRID_STATUSES = tuple(s for s in AppointmentStatus if s is not AppointmentStatus.CANCELLED)


def grid_days(today: date, start_day: date | None, end_day: date | None) -> tuple[date, date]:
    """The grid's first and last day: by default the last twelve weeks and the next four; at
    most MAX_GRID_DAYS."""
    first = start_day or today - timedelta(weeks=12)
    last = end_day or today + timedelta(weeks=4)
    check_day(first, "from")
    check_day(last, "to")
    if last < first:
        first, last = last, first
    if (last - first).days + 1 > MAX_GRID_DAYS:
        raise InvalidInput(
            f"The attendance grid shows up to {MAX_GRID_DAYS} days; choose a shorter range.",
            field="to",
        )
    return first, last


def grid_span(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of the sessions the grid of days `first`..`last` shows."""
    return start_of_day(first, tz), start_of_day(last + timedelta(days=1), tz)


def build_grid(
    case: Case,
    found: Sequence[Appointment],
    names: Mapping[PersonId, str],
    first: date,
    last: date,
    tz: ZoneInfo,
    today: date,
) -> AttendanceGrid:
    """The grid of `found` (the case's sessions of the days, in order, cancelled ones left
    out), `names` the members' display names."""
    days = [local_date(a.start, tz) for a in found]
    ever = {m.person_id for m in case.memberships}
    in_range = {
        m.person_id
        for m in case.memberships
        if any(m.period.contains(d) for d in days) or (not days and m.period.contains(today))
    } | {pid for a in found for pid in a.attendance if pid in ever}  # recorded: never hidden
    rows = []
    for pid in sorted(in_range, key=lambda p: names.get(p, "")):
        cells: list[str | None] = []
        after: list[bool] = []
        for a, d in zip(found, days, strict=True):
            member = any(m.person_id == pid and m.period.contains(d) for m in case.memberships)
            mark = a.attendance.get(pid)
            cells.append(mark.value if mark else ("" if member else None))
            after.append(mark is not None and not member)
        rows.append(
            GridRow(
                person_id=pid,
                name=names.get(pid, "(unknown)"),
                cells=cells,
                after_leaving=after,
                attended=sum(1 for c in cells if c == "attended"),
            )
        )
    per_day = Counter(days)
    return AttendanceGrid(
        sessions=[
            GridSession(
                id=a.id,
                start=a.start.astimezone(tz),
                status=a.status.value,
                shares_day=per_day[d] > 1,
            )
            for a, d in zip(found, days, strict=True)
        ],
        rows=rows,
        start_day=first,
        end_day=last,
    )
