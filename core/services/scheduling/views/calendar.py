"""The calendar: a day or week of one clinician or of everyone the viewer works with, from the
store's light projection (`AppointmentRepository.calendar_rows`): no case aggregate is loaded."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor, StaffActor, may_see_caseload
from core.domain.cases.kinds import policy
from core.domain.directory.parties import StaffMember
from core.domain.scheduling.settings import SchedulingPolicy
from core.domain.scheduling.times import check_day, start_of_day
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import Forbidden, InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.ports.scheduling import BusyRow, CalendarRow
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.refs import MAX_DAYS, StaffRef, ref
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor

MAX_PAGE_SIZE = 500


class DayHours(msgspec.Struct, frozen=True, kw_only=True):
    """The hours a calendar day shows, [first, last) in whole hours of the practice's time."""

    first: int = 8
    last: int = 18

    def check(self) -> DayHours:
        if not 0 <= self.first < self.last <= 24:
            raise InvalidInput("Calendar hours run from 0 to 24, the first before the last.")
        return self


class CalendarQuery(msgspec.Struct, frozen=True, kw_only=True):
    start_day: date
    days: int = 7  # 1: day view, 7: week view
    provider_ids: tuple[StaffId, ...] | None = None  # None: everyone the actor works with
    # The hours to show (None: the practice's calendar hours); widened to show every
    # session of the range.
    hours: DayHours | None = None  # None: the practice's (its settings' widest day)
    # Of everyone (provider_ids None): those whose name contains `find`, `page_size` a page.
    find: str = ""
    page: int = 1
    page_size: int | None = None  # None: all on one page
    # False: only when each clinician is taken (`CalendarView.busy`, the compact week of the
    # practice: a count and the free time a day), no session named, no case read.
    sessions: bool = True


class CalendarEntry(View, frozen=True, kw_only=True):
    id: UUID
    case_id: CaseId
    case_name: str
    case_kind: str
    kind_label: str
    start: datetime  # in the practice's timezone
    end: datetime
    minutes: int
    providers: list[StaffRef]
    status: str
    holds_slot: bool
    expected_count: int
    recorded_count: int


class CalendarDay(View, frozen=True, kw_only=True):
    day: date
    entries: list[CalendarEntry]


class BusyDay(View, frozen=True, kw_only=True):
    day: date
    taken: list[tuple[datetime, datetime]]  # slot-holding sessions, in the practice's timezone


class ClinicianBusy(View, frozen=True, kw_only=True):
    clinician: StaffRef
    days: list[BusyDay]


class CalendarView(View, frozen=True, kw_only=True):
    start_day: date
    days: list[CalendarDay]
    providers: list[StaffRef]  # whose calendars are shown (this page of them)
    choosable: list[StaffRef]  # whose calendars the actor may open
    timezone: str
    previous_start: date
    next_start: date
    hours: DayHours  # the practice's calendar hours: free time is offered within them
    grid_hours: DayHours  # those hours widened to every session shown
    page: int
    pages: int
    matching: int  # how many clinicians the query's `find` matched (all pages)
    first_index: int  # the position of the page's first clinician among those matching
    busy: list[ClinicianBusy] = []  # of the query without `sessions`: a row per clinician shown


def _visible_providers(actor: StaffActor, staff: Iterable[StaffMember]) -> list[StaffMember]:
    return [s for s in staff if s.active and s.is_clinician and may_see_caseload(actor, s.id)]


def _check(q: CalendarQuery) -> None:
    if not 1 <= q.days <= MAX_DAYS:
        raise InvalidInput(f"A calendar shows 1 to {MAX_DAYS} days.", field="days")
    check_day(q.start_day, "start")
    if q.hours is not None:
        q.hours.check()
    if q.page < 1 or (q.page_size is not None and not 1 <= q.page_size <= MAX_PAGE_SIZE):
        raise InvalidInput("Choose a page from the list.", field="page")


def practice_hours(policy: SchedulingPolicy | None) -> DayHours:
    """The grid's whole hours from the practice's calendar hours (the settings screen): from
    the earliest opening to the latest closing of its open days (its defaults until saved)."""
    widest = (policy or SchedulingPolicy()).widest_hours  # (a policy is open one day at least)
    return DayHours(first=widest.opens.hour, last=widest.closes.hour + (widest.closes.minute > 0))


def widened(hours: DayHours, entries: Iterable[CalendarEntry]) -> DayHours:
    """The hours, widened to whole hours so that every entry fits (one running past midnight
    fits up to midnight)."""
    first, last = hours.first, hours.last
    for e in entries:
        first = min(first, e.start.hour)
        if e.end.date() > e.start.date():
            last = 24
        else:
            last = max(last, e.end.hour + (1 if e.end.minute or e.end.second else 0))
    return DayHours(first=first, last=last)


def _entry(
    row: CalendarRow, local: Callable[[datetime], datetime], staff: dict[StaffId, StaffMember]
) -> CalendarEntry:
    return CalendarEntry(
        id=row.id,
        case_id=row.case_id,
        case_name=row.case_name,
        case_kind=row.case_kind.value,
        kind_label=policy(row.case_kind).label,
        start=local(row.start),
        end=local(row.end),
        minutes=row.minutes,
        providers=[ref(staff, p) for p in row.providers],
        status=row.status.value,
        holds_slot=row.status.holds_slot,
        expected_count=row.expected,
        recorded_count=row.recorded,
    )


def _page(people: Sequence[StaffId], q: CalendarQuery) -> tuple[list[StaffId], int, int]:
    """The page's clinicians, the number of pages, the index of the page's first."""
    size = q.page_size or max(len(people), 1)
    pages = max(1, -(-len(people) // size))
    page = min(q.page, pages)
    first = (page - 1) * size
    return list(people[first : first + size]), pages, first


async def calendar(deps: SchedulingDeps, actor: Actor, q: CalendarQuery) -> CalendarView:
    """Day or week view of one clinician or of a page of everyone the actor works with. Two
    queries: the staff and the calendar's projection of the page's sessions."""
    me = staff_actor(actor)
    _check(q)
    tz = deps.tz
    start = start_of_day(q.start_day, tz)
    end = start_of_day(q.start_day + timedelta(days=q.days), tz)
    # The day before too: a session found may start up to a session's length before `start`.
    day_starts = [
        (d, start_of_day(d, tz))
        for d in (q.start_day + timedelta(days=i) for i in range(-1, q.days + 1))
    ]
    async with deps.uow() as uow:
        staff = {s.id: s for s in await uow.staff.list_all()}
        hours = q.hours or practice_hours(await uow.policy.get())
        choosable = _visible_providers(me, staff.values())
        if q.provider_ids is not None:
            if not all(may_see_caseload(me, p) for p in q.provider_ids):
                raise Forbidden("You may see your own calendar and those of staff you work with.")
            matching = [p for p in q.provider_ids if p in staff]
        else:
            needle = q.find.strip().casefold()
            matching = [s.id for s in choosable if needle in s.name.casefold()]
        shown, pages, first_index = _page(matching, q)
        rows: list[CalendarRow] = []
        taken: list[BusyRow] = []
        if q.sessions:
            rows = await uow.appointments.calendar_rows(shown, start, end, day_starts)
        else:
            taken = await uow.appointments.busy(shown, start, end)
    # Assembled after the connection went back to the pool. Per-object rule of the calendar: a
    # session is shown for a provider whose caseload the actor may see (checked above for
    # every clinician shown); nothing clinical is in a row.
    allowed = set(shown)
    # Sessions of a practice share their hours: each instant is read in the timezone once
    # (ZoneInfo conversions were a third of the page's time at 200 clinicians).
    local = functools.lru_cache(maxsize=None)(lambda moment: moment.astimezone(tz))
    by_day: dict[date, list[CalendarEntry]] = {
        q.start_day + timedelta(days=i): [] for i in range(q.days)
    }
    for row in rows:
        if not allowed.intersection(row.providers):
            continue
        day = by_day.get(local(row.start).date())
        if day is not None:  # one that began the day before the range is that day's
            day.append(_entry(row, local, staff))
    busy: list[ClinicianBusy] = []
    if not q.sessions:
        theirs: dict[tuple[StaffId, date], list[tuple[datetime, datetime]]] = {}
        for b in taken:
            begins = local(b.start)
            theirs.setdefault((b.provider_id, begins.date()), []).append((begins, local(b.end)))
        busy = [
            ClinicianBusy(
                clinician=ref(staff, p),
                days=[BusyDay(day=d, taken=theirs.get((p, d), [])) for d in by_day],
            )
            for p in shown
        ]
    # One entry per calendar screen: the calendar of the one clinician shown, or of several
    # (object None); the cases it names are not entries of their own.
    whose = shown[0] if len(shown) == 1 else None
    await audit_read(deps, me, AuditObject.CALENDAR, whose)
    step = timedelta(days=q.days)
    return CalendarView(
        start_day=q.start_day,
        days=[CalendarDay(day=d, entries=entries) for d, entries in by_day.items()],
        providers=[ref(staff, p) for p in shown],
        choosable=[StaffRef(id=s.id, name=s.name) for s in choosable],
        timezone=deps.timezone,
        previous_start=q.start_day - step,
        next_start=q.start_day + step,
        hours=hours,
        grid_hours=widened(hours, (e for d in by_day.values() for e in d)),
        page=min(q.page, pages),
        pages=pages,
        matching=len(matching),
        first_index=first_index,
        busy=busy,
    )
