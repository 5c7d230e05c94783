"""The calendar: a day or week of one clinician or of everyone the viewer works with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    case_permissions,
    may_see_caseload,
)
from core.domain.directory.parties import StaffMember
from core.domain.scheduling.times import check_day, start_of_day
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import Forbidden, InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.refs import MAX_DAYS, StaffRef, ref, service_name
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor


class CalendarQuery(msgspec.Struct, frozen=True, kw_only=True):
    start_day: date
    days: int = 7  # 1: day view, 7: week view
    provider_ids: tuple[StaffId, ...] | None = None  # None: everyone the actor works with


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
    service: str
    status: str
    location: str
    telehealth: bool
    series_id: UUID | None
    expected_count: int
    recorded_count: int


class CalendarDay(View, frozen=True, kw_only=True):
    day: date
    entries: list[CalendarEntry]


class CalendarView(View, frozen=True, kw_only=True):
    start_day: date
    days: list[CalendarDay]
    providers: list[StaffRef]  # whose calendars are shown
    choosable: list[StaffRef]  # whose calendars the actor may open
    timezone: str
    previous_start: date
    next_start: date


def _visible_providers(actor: StaffActor, staff: Iterable[StaffMember]) -> list[StaffMember]:
    return [s for s in staff if s.active and s.is_clinician and may_see_caseload(actor, s.id)]


async def calendar(deps: SchedulingDeps, actor: Actor, q: CalendarQuery) -> CalendarView:
    """Day or week view, one column per clinician or the whole practice. Four queries: staff,
    services, the appointments of the range, and the cases they belong to."""
    me = staff_actor(actor)
    if not 1 <= q.days <= MAX_DAYS:
        raise InvalidInput(f"A calendar shows 1 to {MAX_DAYS} days.", field="days")
    check_day(q.start_day, "start")
    tz, today = deps.tz, deps.clock.today()
    start = start_of_day(q.start_day, tz)
    end = start_of_day(q.start_day + timedelta(days=q.days), tz)
    async with deps.uow() as uow:
        staff = {s.id: s for s in await uow.staff.list_all()}
        choosable = _visible_providers(me, staff.values())
        if q.provider_ids is not None:
            if not all(may_see_caseload(me, p) for p in q.provider_ids):
                raise Forbidden("You may see your own calendar and those of staff you work with.")
            shown = [p for p in q.provider_ids if p in staff]
        else:
            shown = [s.id for s in choosable]
        everyone = me.is_owner and q.provider_ids is None
        found = await uow.appointments.for_providers(None if everyone else shown, start, end)
        services = {s.id: s for s in await uow.services.list_all(include_inactive=True)}
        cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in found})}
    visible_staff = set(shown)
    by_day: dict[date, list[CalendarEntry]] = {
        q.start_day + timedelta(days=i): [] for i in range(q.days)
    }
    for a in found:
        case = cases.get(a.case_id)
        if case is None:
            continue
        if not (visible_staff & set(a.providers)) and Permission.VIEW_SCHEDULE not in (
            case_permissions(me, case, today)
        ):
            continue
        expected = a.expected(case, tz)
        by_day.setdefault(a.local_day(tz), []).append(
            CalendarEntry(
                id=a.id,
                case_id=case.id,
                case_name=case.name,
                case_kind=case.kind.value,
                kind_label=case.policy.label,
                start=a.start.astimezone(tz),
                end=a.end.astimezone(tz),
                minutes=a.minutes,
                providers=[ref(staff, p) for p in a.providers],
                service=service_name(services, a.service_id),
                status=a.status.value,
                location=a.location,
                telehealth=a.telehealth,
                series_id=a.series_id,
                expected_count=len(expected),
                recorded_count=sum(1 for m in expected if m.person_id in a.attendance),
            )
        )
    step = timedelta(days=q.days)
    # One entry per calendar screen: the calendar of the one clinician shown, or of several
    # (object None); the cases it names are not entries of their own.
    whose = shown[0] if len(shown) == 1 else None
    await audit_read(deps, me, AuditObject.CALENDAR, whose)
    return CalendarView(
        start_day=q.start_day,
        days=[
            CalendarDay(day=d, entries=entries)
            for d, entries in sorted(by_day.items())
            if q.start_day <= d < q.start_day + step
        ],
        providers=[ref(staff, p) for p in shown],
        choosable=[StaffRef(id=s.id, name=s.name) for s in choosable],
        timezone=deps.timezone,
        previous_start=q.start_day - step,
        next_start=q.start_day + step,
    )
