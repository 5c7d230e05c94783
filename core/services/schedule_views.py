"""Read models of scheduling: the day/week calendar of a clinician or the practice, the
appointment page, what the case page shows of the schedule, and a group's attendance grid.

Each is built in a fixed number of store queries whatever the number of appointments. Schedule
views carry the case's name and kind and nothing clinical; names of participants appear only
where the actor may see the case's schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.access import (
    Actor,
    Permission,
    StaffActor,
    case_permissions,
    may_see_caseload,
    reference_day,
    require,
)
from core.domain.billing_codes import CODES, suggest_codes
from core.domain.case import Case, Membership
from core.domain.case_kinds import RecordType
from core.domain.errors import Forbidden, InvalidInput, NotFound
from core.domain.parties import StaffMember, StaffRole
from core.domain.responsibilities import StaffDuty
from core.domain.scheduling import (
    Appointment,
    AppointmentStatus,
    ChangeMark,
    Series,
    Service,
    check_day,
    local_date,
    start_of_day,
)
from core.domain.supervision import effective_supervisor
from core.domain.values import CaseId, PersonId, StaffId
from core.services.context import load_case, staff_actor
from core.services.scheduling import SchedulingDeps

MAX_DAYS = 31
MAX_GRID_DAYS = 366  # a year of a group's sessions in one attendance grid


class View(msgspec.Struct, frozen=True, kw_only=True):
    pass


class StaffRef(View, frozen=True, kw_only=True):
    id: StaffId
    name: str


def _ref(staff: dict[StaffId, StaffMember], sid: StaffId) -> StaffRef:
    s = staff.get(sid)
    return StaffRef(id=sid, name=s.name if s else "(former staff)")


# ----- the calendar -------------------------------------------------------------------------------


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
                providers=[_ref(staff, p) for p in a.providers],
                service=_service_name(services, a.service_id),
                status=a.status.value,
                location=a.location,
                telehealth=a.telehealth,
                series_id=a.series_id,
                expected_count=len(expected),
                recorded_count=sum(1 for m in expected if m.person_id in a.attendance),
            )
        )
    step = timedelta(days=q.days)
    return CalendarView(
        start_day=q.start_day,
        days=[
            CalendarDay(day=d, entries=entries)
            for d, entries in sorted(by_day.items())
            if q.start_day <= d < q.start_day + step
        ],
        providers=[_ref(staff, p) for p in shown],
        choosable=[StaffRef(id=s.id, name=s.name) for s in choosable],
        timezone=deps.timezone,
        previous_start=q.start_day - step,
        next_start=q.start_day + step,
    )


def _service_name(services: dict[UUID, Service], service_id: UUID) -> str:
    s = services.get(service_id)
    return s.name if s else "(removed service)"


# ----- one appointment ----------------------------------------------------------------------------


class ParticipantAttendance(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    role: str
    attendance: str | None  # None: not recorded yet


class CodeLineView(View, frozen=True, kw_only=True):
    code: str
    description: str
    units: int
    person_id: PersonId | None
    person_name: str | None


class CodesView(View, frozen=True, kw_only=True):
    suggested: list[CodeLineView]
    reason: str
    confirmed: list[CodeLineView] | None  # None: not confirmed yet
    confirmed_differs: bool  # attendance changed since, or the clinician chose other codes


class ChangeView(View, frozen=True, kw_only=True):
    by: str
    on_behalf_of: str | None
    at: datetime


class SeriesSession(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime
    status: str


class SeriesView(View, frozen=True, kw_only=True):
    id: UUID
    description: str
    position: int  # this session's number in the series
    total: int
    sessions: list[SeriesSession]


class SupervisionView(View, frozen=True, kw_only=True):
    supervisor: StaffRef
    source: str  # "this appointment", "the case", "default supervisor of ..."


class AppointmentPage(View, frozen=True, kw_only=True):
    id: UUID
    version: int
    case_id: CaseId
    case_name: str
    kind_label: str
    start: datetime  # practice time
    end: datetime
    minutes: int
    status: str
    status_label: str
    providers: list[StaffRef]
    service_id: UUID
    service: str
    fee_minor: int | None  # None: the actor may not see money
    currency: str
    location: str
    telehealth: bool
    expected: list[ParticipantAttendance]
    supervision: SupervisionView | None
    series: SeriesView | None
    codes: CodesView | None  # None: not psychotherapy, or the actor may not see billing
    created: ChangeView
    changed: ChangeView | None
    permissions: list[str]


def _change(staff: dict[StaffId, StaffMember], mark: ChangeMark) -> ChangeView:
    return ChangeView(
        by=_ref(staff, mark.actor_id).name if mark.actor_id else "portal",
        on_behalf_of=_ref(staff, mark.on_behalf_of).name if mark.on_behalf_of else None,
        at=mark.at,
    )


def _attendance(
    a: Appointment, expected: Sequence[Membership], names: dict[PersonId, str]
) -> list[ParticipantAttendance]:
    return [
        ParticipantAttendance(
            person_id=m.person_id,
            name=names.get(m.person_id, "(unknown)"),
            role=m.role.label,
            attendance=a.attendance[m.person_id].value if m.person_id in a.attendance else None,
        )
        for m in sorted(expected, key=lambda m: names.get(m.person_id, ""))
    ]


def _supervision(
    case: Case, a: Appointment, staff: dict[StaffId, StaffMember], day: date
) -> SupervisionView | None:
    provider = staff.get(a.provider)
    if provider is None:
        return None
    supervisor = effective_supervisor(case, provider, day, a.supervisor_override)
    if supervisor is None:
        return None
    if a.supervisor_override is not None:
        source = "this appointment"
    elif case.supervisor_on(day) is not None:
        source = "the case"
    else:
        source = f"default supervisor of {provider.name}"
    return SupervisionView(supervisor=_ref(staff, supervisor), source=source)


def _codes(
    case: Case,
    a: Appointment,
    service: Service | None,
    expected: Sequence[Membership],
    names: dict[PersonId, str],
) -> CodesView | None:
    if not case.policy.allows(RecordType.BILLING_CODE):
        return None
    suggestion = suggest_codes(
        kind=case.kind,
        service_code=service.billing_code if service else None,
        minutes=a.minutes,
        expected=expected,
        attended_ids=a.attended_ids(expected),
    )

    def lines(items) -> list[CodeLineView]:
        return [
            CodeLineView(
                code=c.code,
                description=CODES.get(c.code, ""),
                units=c.units,
                person_id=c.person_id,
                person_name=names.get(c.person_id) if c.person_id else None,
            )
            for c in items
        ]

    return CodesView(
        suggested=lines(suggestion.lines),
        reason=suggestion.reason,
        confirmed=lines(a.codes) if a.codes is not None else None,
        confirmed_differs=a.codes is not None and a.codes != suggestion.lines,
    )


async def appointment_page(
    deps: SchedulingDeps, actor: Actor, appointment_id: UUID
) -> AppointmentPage:
    staff_actor(actor)  # participants get their own portal view, without others' names
    tz, today = deps.tz, deps.clock.today()
    async with deps.uow() as uow:
        a = await uow.appointments.get(appointment_id)
        if a is None:
            raise NotFound("No such appointment.")
        case = await load_case(uow, a.case_id)
        granted = require(actor, case, today, Permission.VIEW_SCHEDULE)
        expected = a.expected(case, tz)
        people = await uow.people.get_many(m.person_id for m in expected)
        staff = {s.id: s for s in await uow.staff.list_all()}
        service = await uow.services.get(a.service_id)
        series: Series | None = None
        siblings: list[Appointment] = []
        if a.series_id is not None:
            series = await uow.appointments.get_series(a.series_id)
            siblings = await uow.appointments.in_series(a.series_id)
    names = {pid: p.display_name for pid, p in people.items()}
    money = Permission.VIEW_BILLING in granted
    return AppointmentPage(
        id=a.id,
        version=a.version,
        case_id=case.id,
        case_name=case.name,
        kind_label=case.policy.label,
        start=a.start.astimezone(tz),
        end=a.end.astimezone(tz),
        minutes=a.minutes,
        status=a.status.value,
        status_label=a.status.label,
        providers=[_ref(staff, p) for p in a.providers],
        service_id=a.service_id,
        service=service.name if service else "(removed service)",
        fee_minor=service.fee.amount_minor if service and money else None,
        currency=service.fee.currency if service else "",
        location=a.location,
        telehealth=a.telehealth,
        expected=_attendance(a, expected, names),
        supervision=_supervision(case, a, staff, a.local_day(tz)),
        series=(
            SeriesView(
                id=series.id,
                description=series.describe(),
                position=1 + [s.id for s in siblings].index(a.id),
                total=len(siblings),
                sessions=[
                    SeriesSession(id=x.id, start=x.start.astimezone(tz), status=x.status.value)
                    for x in siblings
                ],
            )
            if series is not None
            else None
        ),
        codes=_codes(case, a, service, expected, names) if money else None,
        created=_change(staff, a.created),
        changed=_change(staff, a.changed) if a.changed else None,
        permissions=sorted(p.value for p in granted),
    )


# ----- the booking form ---------------------------------------------------------------------------


class ServiceOption(View, frozen=True, kw_only=True):
    id: UUID
    name: str
    minutes: int
    billing_code: str | None


class BookingOptions(View, frozen=True, kw_only=True):
    """What the form to book a session of a case offers: the services of its kind of work, the
    clinicians who may provide it (the case's own first), who may supervise, and whose
    calendar the actor works in when it is not their own."""

    case_id: CaseId
    case_name: str
    kind_label: str
    services: list[ServiceOption]
    providers: list[StaffRef]
    default_provider_id: StaffId | None
    supervisors: list[StaffRef]
    on_behalf_of: StaffRef | None
    timezone: str


async def booking_options(deps: SchedulingDeps, actor: Actor, case_id: CaseId) -> BookingOptions:
    me = staff_actor(actor)
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, today, Permission.MANAGE_CASE)
        services = await uow.services.list_all()
        staff = await uow.staff.list_all()
    day = reference_day(case, today)
    treating = [
        a.staff_id
        for a in case.staff_on(day)
        if a.duty in (StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST)
    ]
    responsible = case.responsible_provider_on(day)
    names = {s.id: s.name for s in staff}
    clinicians = sorted(
        (s for s in staff if s.active and s.is_clinician),
        key=lambda s: (s.id not in treating, s.name),
    )
    return BookingOptions(
        case_id=case.id,
        case_name=case.name,
        kind_label=case.policy.label,
        services=[
            ServiceOption(id=x.id, name=x.name, minutes=x.minutes, billing_code=x.billing_code)
            for x in services
            if x.service_line is case.policy.service_line
        ],
        providers=[StaffRef(id=s.id, name=s.name) for s in clinicians],
        default_provider_id=responsible,
        supervisors=[
            StaffRef(id=s.id, name=s.name)
            for s in staff
            if s.active and s.has(StaffRole.SUPERVISOR)
        ],
        # Someone who does not treat the case (an administrator) works in the provider's calendar.
        on_behalf_of=(
            StaffRef(id=responsible, name=names.get(responsible, "(former staff)"))
            if responsible is not None and me.id not in treating
            else None
        ),
        timezone=deps.timezone,
    )


# ----- the case page ------------------------------------------------------------------------------


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


async def case_schedule_summary(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, *, upcoming: int = 5
) -> CaseSchedule:
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
        people = await uow.people.get_many(m.person_id for m in case.memberships)
        staff = {s.id: s for s in await uow.staff.list_all()}
        services = {s.id: s for s in await uow.services.list_all(include_inactive=True)}
    names = {pid: p.display_name for pid, p in people.items()}

    def summary(a: Appointment) -> SessionSummary:
        return SessionSummary(
            id=a.id,
            start=a.start.astimezone(tz),
            end=a.end.astimezone(tz),
            status=a.status.value,
            service=_service_name(services, a.service_id),
            providers=[_ref(staff, p) for p in a.providers],
            participants=_attendance(a, a.expected(case, tz), names),
        )

    sessions = [summary(a) for a in coming]
    return CaseSchedule(
        upcoming=sessions,
        last_session=summary(last[0]) if last else None,
        next_expected=sessions[0].participants if sessions else [],
    )


# ----- a group's attendance grid ------------------------------------------------------------------


class GridSession(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime
    status: str


class GridRow(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    # One cell per session: the mark, "" when expected and not recorded, None when the person
    # was not in the case that day.
    cells: list[str | None]
    attended: int


class AttendanceGrid(View, frozen=True, kw_only=True):
    sessions: list[GridSession]
    rows: list[GridRow]
    start_day: date
    end_day: date


async def attendance_grid(
    deps: SchedulingDeps,
    actor: Actor,
    case_id: CaseId,
    start_day: date | None = None,
    end_day: date | None = None,
) -> AttendanceGrid:
    """Members by sessions (cancelled sessions left out), default: the last twelve weeks and
    the next four; at most MAX_GRID_DAYS, so one screen stays one bounded query."""
    staff_actor(actor)
    tz, today = deps.tz, deps.clock.today()
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
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, today, Permission.VIEW_SCHEDULE)
        found = await uow.appointments.for_case(
            case_id,
            start=start_of_day(first, tz),
            end=start_of_day(last + timedelta(days=1), tz),
            statuses=[s for s in AppointmentStatus if s is not AppointmentStatus.CANCELLED],
        )
        people = await uow.people.get_many(m.person_id for m in case.memberships)
    names = {pid: p.display_name for pid, p in people.items()}
    days = [local_date(a.start, tz) for a in found]
    in_range = {
        m.person_id
        for m in case.memberships
        if any(m.period.contains(d) for d in days) or (not days and m.period.contains(today))
    }
    rows = []
    for pid in sorted(in_range, key=lambda p: names.get(p, "")):
        cells: list[str | None] = []
        for a, d in zip(found, days, strict=True):
            member = any(m.person_id == pid and m.period.contains(d) for m in case.memberships)
            mark = a.attendance.get(pid)
            cells.append(None if not member else (mark.value if mark else ""))
        rows.append(
            GridRow(
                person_id=pid,
                name=names.get(pid, "(unknown)"),
                cells=cells,
                attended=sum(1 for c in cells if c == "attended"),
            )
        )
    return AttendanceGrid(
        sessions=[
            GridSession(id=a.id, start=a.start.astimezone(tz), status=a.status.value) for a in found
        ],
        rows=rows,
        start_day=first,
        end_day=last,
    )
