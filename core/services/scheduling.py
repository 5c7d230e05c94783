"""Use cases of scheduling: the services the practice offers, booking single sessions and
recurring series, changing one session or this-and-the-following, cancelling, attendance,
status and billing codes.

Booking checks the no-overlap rule here first, to name the clash in the practice's time; the
store re-checks it at commit, which is what makes it hold under concurrent writers. Every change
records who made it, and for which clinician an administrator was working.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from core.domain.access import Actor, Permission, StaffActor, may_manage_staff, require
from core.domain.billing_codes import CodeLine, suggest_codes
from core.domain.case import Case
from core.domain.case_kinds import ServiceLine
from core.domain.errors import (
    ConcurrencyConflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from core.domain.parties import StaffMember, StaffRole
from core.domain.scheduling import (
    Appointment,
    AppointmentStatus,
    Attendance,
    ChangeMark,
    DoubleBooking,
    Recurrence,
    Series,
    Service,
    aware_utc,
    check_minutes,
    expand,
    find_double_booking,
    local_date,
    overlaps,
)
from core.domain.values import CaseId, Money, PersonId, StaffId
from core.ports import UnitOfWork
from core.services.context import Change, Command, Deps, load_case, record, staff_actor

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SchedulingDeps(Deps):
    """The ports, plus the practice's timezone: where "Tuesday 18:00" is read and where a
    weekly series repeats."""

    timezone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, deps: Deps, timezone: str) -> SchedulingDeps:
        return cls(uow=deps.uow, clock=deps.clock, ids=deps.ids, timezone=timezone)


def when(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tue 03 Mar 2026 18:00" in practice time, for messages and the case history."""
    return f"{moment.astimezone(tz):%a %d %b %Y %H:%M}"


# ----- services -----------------------------------------------------------------------------------


class ServiceDetails(Command, frozen=True, kw_only=True):
    name: str
    service_line: ServiceLine
    minutes: int
    fee_minor: int
    currency: str = "USD"
    billing_code: str | None = None


class CreateService(ServiceDetails, frozen=True, kw_only=True):
    pass


class UpdateService(ServiceDetails, frozen=True, kw_only=True):
    service_id: UUID
    version: int
    active: bool = True


def _require_owner(actor: Actor) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes the services the practice offers.")


def _service(service_id: UUID, d: ServiceDetails, version: int = 0, active: bool = True):
    return Service(
        id=service_id,
        name=d.name,
        service_line=d.service_line,
        minutes=d.minutes,
        fee=Money(d.fee_minor, d.currency.strip().upper()),
        billing_code=d.billing_code,
        active=active,
        version=version,
    )


async def create_service(deps: Deps, actor: Actor, cmd: CreateService) -> UUID:
    _require_owner(actor)
    service = _service(deps.ids.new(), cmd)
    async with deps.uow() as uow:
        await uow.services.add(service)
        await uow.commit()
    return service.id


async def update_service(deps: Deps, actor: Actor, cmd: UpdateService) -> Service:
    _require_owner(actor)
    async with deps.uow() as uow:
        if await uow.services.get(cmd.service_id) is None:
            raise NotFound("No such service.")
        service = _service(cmd.service_id, cmd, cmd.version, cmd.active)
        await uow.services.update(service)
        await uow.commit()
    return service


async def list_services(
    deps: Deps, actor: Actor, *, include_inactive: bool = False
) -> list[Service]:
    staff_actor(actor)
    async with deps.uow() as uow:
        return await uow.services.list_all(include_inactive=include_inactive)


# ----- shared steps -------------------------------------------------------------------------------


class Scope(StrEnum):
    """Which sessions of a series a change applies to."""

    THIS = "this"
    FOLLOWING = "following"  # this one and the following ones


class Booking(msgspec.Struct, frozen=True, kw_only=True):
    """What a booking or change did: the sessions touched, the series, and warnings that do
    not stop it (a participant booked elsewhere at the same time)."""

    appointment_ids: list[UUID]
    series_id: UUID | None = None
    warnings: list[str] = []


@dataclass(slots=True)
class _Context:
    """One appointment change, loaded and authorized."""

    uow: UnitOfWork
    actor: StaffActor
    case: Case


async def _load(
    deps: SchedulingDeps,
    uow: UnitOfWork,
    actor: Actor,
    appointment_id: UUID,
    permission: Permission,
) -> tuple[Appointment, _Context]:
    appointment = await uow.appointments.get(appointment_id)
    if appointment is None:
        raise NotFound("No such appointment.")
    case = await load_case(uow, appointment.case_id)
    require(actor, case, deps.clock.today(), permission)
    return appointment, _Context(uow, staff_actor(actor), case)


async def _usable_service(uow: UnitOfWork, case: Case, service_id: UUID) -> Service:
    service = await uow.services.get(service_id)
    if service is None or not service.active:
        raise InvalidInput("Choose one of the practice's services.", field="service_id")
    if service.service_line is not case.policy.service_line:
        raise InvalidInput(
            f"{service.name} is {service.service_line.value} work; this is a "
            f"{case.policy.label} case ({case.policy.service_line.value}).",
            field="service_id",
        )
    return service


async def _clinicians(
    uow: UnitOfWork, provider_ids: Sequence[StaffId], supervisor_id: StaffId | None
) -> dict[StaffId, StaffMember]:
    """Providers (and the supervisor override) as staff members, checked in one query."""
    wanted = [*provider_ids, *([supervisor_id] if supervisor_id else [])]
    staff = await uow.staff.get_many(wanted)
    for sid in provider_ids:
        s = staff.get(sid)
        if s is None or not s.active or not s.is_clinician:
            raise InvalidInput("Choose active clinicians as providers.", field="provider_ids")
    if supervisor_id is not None:
        s = staff.get(supervisor_id)
        if s is None or not s.active or not s.has(StaffRole.SUPERVISOR):
            raise InvalidInput(
                "Choose an active supervisor of the practice.", field="supervisor_id"
            )
        if supervisor_id in provider_ids:
            raise InvalidInput(
                "A provider does not supervise their own session.", field="supervisor_id"
            )
    return staff


def _on_behalf_of(
    actor: StaffActor, providers: Sequence[StaffId], asked: StaffId | None
) -> StaffId | None:
    """Whose work the actor is doing: the clinician named, or the session's provider when the
    actor is not one of its providers (an administrator working in a clinician's calendar)."""
    if asked is not None:
        if asked != actor.id and not (actor.is_owner or asked in actor.supports):
            raise Forbidden("You can work on behalf of the clinicians you support.")
        return None if asked == actor.id else asked
    return None if actor.id in providers else providers[0]


def _mark(deps: Deps, actor: StaffActor, on_behalf_of: StaffId | None) -> ChangeMark:
    return ChangeMark(actor_id=actor.id, at=deps.clock.now(), on_behalf_of=on_behalf_of)


async def _check_overlaps(
    deps: SchedulingDeps, uow: UnitOfWork, sessions: Sequence[Appointment]
) -> None:
    """Refuse a provider's overlapping sessions, naming the clash in the practice's time. One
    query covers a whole series: every booking of its providers in its span."""
    holding = [a for a in sessions if a.holds_slot]
    if not holding:
        return
    providers = {p for a in holding for p in a.providers}
    existing = await uow.appointments.overlapping(
        providers,
        min(a.start for a in holding),
        max(a.end for a in holding),
        exclude=[a.id for a in holding],
    )
    clash = find_double_booking(holding, existing)
    if clash is not None:
        provider, other = clash
        staff = await uow.staff.get(provider)
        who = staff.name if staff else "This provider"
        raise DoubleBooking(provider, other.start, other.end, who=who, tz=deps.tz)


async def _participant_warnings(
    deps: SchedulingDeps, uow: UnitOfWork, case: Case, sessions: Sequence[Appointment]
) -> list[str]:
    """A participant expected here and, at an overlapping time, in another case's session:
    a warning (they may have arranged it), not a refusal. The other case is not named, as the
    actor may not be allowed to know of it."""
    holding = [a for a in sessions if a.holds_slot]
    if not holding:
        return []
    tz = deps.tz
    expected = {a.id: {m.person_id for m in a.expected(case, tz)} for a in holding}
    people = set().union(*expected.values())
    related = await uow.cases.ids_for_people(people)  # one query for a group of twelve too
    other_ids = {cid for ids in related.values() for cid in ids}
    other_ids.discard(case.id)
    if not other_ids:
        return []
    others = await uow.appointments.for_cases(
        other_ids, min(a.start for a in holding), max(a.end for a in holding)
    )
    if not others:
        return []
    other_cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in others})}
    clashes: dict[PersonId, list[Appointment]] = {}
    for a in holding:
        for other in others:
            if not overlaps(a.start, a.end, other.start, other.end):
                continue
            there = {m.person_id for m in other.expected(other_cases[other.case_id], tz)}
            for pid in expected[a.id] & there:
                clashes.setdefault(pid, []).append(other)
    if not clashes:
        return []
    names = {p: person.display_name for p, person in (await uow.people.get_many(clashes)).items()}
    return [
        f"{names.get(pid, 'A participant')} has another appointment at "
        f"{when(hits[0].start, tz)}"
        + (f" (and {len(hits) - 1} more overlapping sessions)" if len(hits) > 1 else "")
        + "."
        for pid, hits in sorted(clashes.items(), key=lambda kv: names.get(kv[0], ""))
    ]


async def _commit(deps: SchedulingDeps, uow: UnitOfWork) -> None:
    """Commit; a clash with what another writer committed first (the store's guarantee) is
    reported like the use case's own check: the provider's name and the other session's time
    in practice time. Looked up in the same unit of work after rolling back, as SQLite lets one
    writer at a time hold a transaction."""
    try:
        await uow.commit()
    except DoubleBooking as clash:
        await uow.rollback()
        staff = await uow.staff.get(clash.provider_id)
        other = await uow.appointments.overlapping([clash.provider_id], clash.start, clash.end)
        start, end = (other[0].start, other[0].end) if other else (clash.start, clash.end)
        who = staff.name if staff else "This provider"
        raise DoubleBooking(clash.provider_id, start, end, who=who, tz=deps.tz) from clash


async def _hold_open(uow: UnitOfWork, case: Case, start: datetime, tz: ZoneInfo) -> None:
    """A session goes on an open case, from its opening day. The case was an ordinary read,
    so the booking also writes the case's version: a close committed meanwhile turns this
    commit into a ConcurrencyConflict (a new booking runs again and meets the closed case)
    instead of leaving a session on a closed case."""
    case.require_open()
    if local_date(start, tz) < case.opened_on:
        raise InvalidInput(
            f"The case opened on {case.opened_on.isoformat()}; book from that day.",
            field="start",
        )
    await uow.cases.update(case)


async def _series_of(uow: UnitOfWork, appointment: Appointment) -> Series:
    series = None
    if appointment.series_id is not None:
        series = await uow.appointments.get_series(appointment.series_id)
    if series is None:
        raise InvalidInput("This session is not part of a series.", field="scope")
    return series


# ----- booking ------------------------------------------------------------------------------------


class Repeat(msgspec.Struct, frozen=True, kw_only=True):
    every_weeks: int = 1
    until: date | None = None
    count: int | None = None


class SessionDetails(Command, frozen=True, kw_only=True):
    start: datetime  # timezone-aware, or a wall-clock time in the practice's timezone
    minutes: int | None = None  # None: the service's default length
    service_id: UUID
    provider_ids: tuple[StaffId, ...] = ()  # (): the case's responsible provider that day
    location: str = ""
    telehealth: bool = False
    supervisor_id: StaffId | None = None  # overrides the case's supervision for this session
    on_behalf_of: StaffId | None = None  # the clinician whose calendar the actor works in


class ScheduleAppointment(SessionDetails, frozen=True, kw_only=True):
    case_id: CaseId
    repeat: Repeat | None = None


def _providers(case: Case, asked: tuple[StaffId, ...], day: date) -> tuple[StaffId, ...]:
    if asked:
        return tuple(dict.fromkeys(asked))
    provider = case.responsible_provider_on(day)
    if provider is None:
        raise InvalidInput("Choose the provider of this session.", field="provider_ids")
    return (provider,)


ATTEMPTS = 5


async def _retrying(work: Callable[[], Awaitable[T]]) -> T:
    """Run a change again when a concurrent writer got in first (SQLite reports that as a
    conflict, and a booking conflicts with a change of its case): the second run reads what
    the other committed, so it ends with the precise refusal (a double booking, a closed
    case) or succeeds. A version the user read is stated in the command, so a change of a
    stale read stays a conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await work()
        except ConcurrencyConflict:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def schedule_appointment(
    deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment
) -> Booking:
    """Book one session, or a weekly / every-N-weeks series ending on a date or after a count."""
    return await _retrying(lambda: _schedule(deps, actor, cmd))


async def _schedule(deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment) -> Booking:
    tz = deps.tz
    async with deps.uow() as uow:
        case = await load_case(uow, cmd.case_id)
        require(actor, case, deps.clock.today(), Permission.MANAGE_CASE)
        staff_member = staff_actor(actor)
        service = await _usable_service(uow, case, cmd.service_id)
        first = aware_utc(cmd.start, tz)
        await _hold_open(uow, case, first, tz)
        minutes = cmd.minutes or service.minutes
        check_minutes(minutes)
        providers = _providers(case, cmd.provider_ids, local_date(first, tz))
        staff = await _clinicians(uow, providers, cmd.supervisor_id)
        on_behalf = _on_behalf_of(staff_member, providers, cmd.on_behalf_of)
        mark = _mark(deps, staff_member, on_behalf)
        series = None
        starts = [first]
        if cmd.repeat is not None:
            rule = Recurrence(cmd.repeat.every_weeks, cmd.repeat.until, cmd.repeat.count)
            series = Series(
                id=deps.ids.new(),
                case_id=case.id,
                first_start=first,
                minutes=minutes,
                rule=rule,
                timezone=deps.timezone,
                created=mark,
            )
            starts = expand(first, rule, tz)
        length = timedelta(minutes=minutes)
        sessions = [
            Appointment(
                id=deps.ids.new(),
                case_id=case.id,
                start=start,
                end=start + length,
                providers=providers,
                service_id=service.id,
                created=mark,
                location=cmd.location,
                telehealth=cmd.telehealth,
                supervisor_override=cmd.supervisor_id,
                series_id=series.id if series else None,
            )
            for start in starts
        ]
        await _check_overlaps(deps, uow, sessions)
        warnings = await _participant_warnings(deps, uow, case, sessions)
        if series is not None:
            await uow.appointments.add_series(series)
        await uow.appointments.add_many(sessions)
        with_whom = " and ".join(staff[p].name for p in providers)
        summary = (
            f"Scheduled {service.name}: {series.describe()}, first on {when(first, tz)}, "
            f"{len(sessions)} sessions with {with_whom}."
            if series
            else f"Scheduled {service.name} on {when(first, tz)} with {with_whom}."
        )
        await record(deps, uow, actor, case, Change("appointment_scheduled", summary), on_behalf)
        await _commit(deps, uow)
    return Booking(
        appointment_ids=[a.id for a in sessions],
        series_id=series.id if series else None,
        warnings=warnings,
    )


# ----- changing -----------------------------------------------------------------------------------


class ChangeAppointment(SessionDetails, frozen=True, kw_only=True):
    """The whole form of one session; with scope FOLLOWING its time-of-day shift, length,
    service, providers, place and supervision apply to the following sessions too."""

    appointment_id: UUID
    version: int
    minutes: int  # type: ignore[assignment]  # a change always states the length
    scope: Scope = Scope.THIS


def _shifted(start: datetime, by: timedelta, tz: ZoneInfo) -> datetime:
    """Move a session by a wall-clock difference (the series stays at its local time)."""
    local = start.astimezone(tz).replace(tzinfo=None) + by
    return aware_utc(local, tz)


async def change_appointment(deps: SchedulingDeps, actor: Actor, cmd: ChangeAppointment) -> Booking:
    return await _retrying(lambda: _change_appointment(deps, actor, cmd))


async def _change_appointment(
    deps: SchedulingDeps, actor: Actor, cmd: ChangeAppointment
) -> Booking:
    tz = deps.tz
    async with deps.uow() as uow:
        appointment, ctx = await _load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        appointment.version = cmd.version  # the store refuses a change of a stale read
        case = ctx.case
        service = await _usable_service(uow, case, cmd.service_id)
        start = aware_utc(cmd.start, tz)
        await _hold_open(uow, case, start, tz)
        check_minutes(cmd.minutes)
        providers = _providers(case, cmd.provider_ids, local_date(start, tz))
        staff = await _clinicians(uow, providers, cmd.supervisor_id)
        on_behalf = _on_behalf_of(ctx.actor, providers, cmd.on_behalf_of)
        mark = _mark(deps, ctx.actor, on_behalf)
        shift = start.astimezone(tz).replace(tzinfo=None) - appointment.start.astimezone(
            tz
        ).replace(tzinfo=None)
        length = timedelta(minutes=cmd.minutes)

        sessions = [appointment]
        series: Series | None = None
        tail: Series | None = None
        if cmd.scope is Scope.FOLLOWING:
            series = await _series_of(uow, appointment)
            others = [
                a for a in await uow.appointments.in_series(series.id) if a.id != appointment.id
            ]
            following = [a for a in others if a.start > appointment.start]
            sessions += [a for a in following if a.status is AppointmentStatus.SCHEDULED]
            if any(a.start < appointment.start for a in others):
                split_day = min(local_date(start, tz), local_date(appointment.start, tz))
                tail = series.split_at(deps.ids.new(), start, split_day, mark)
                for a in [appointment, *following]:
                    a.series_id = tail.id
                sessions = [appointment, *following]
            else:
                series.first_start = start
                series.minutes = cmd.minutes
        for a in sessions:
            if a.status is not AppointmentStatus.SCHEDULED and a is not appointment:
                continue  # cancelled or past sessions of the series keep what they were
            moved = start if a is appointment else _shifted(a.start, shift, tz)
            a.reschedule(
                start=moved,
                end=moved + length,
                providers=providers,
                service_id=service.id,
                location=cmd.location,
                telehealth=cmd.telehealth,
                supervisor_override=cmd.supervisor_id,
            )
            a.touch(mark)
        if tail is not None:
            tail.minutes = cmd.minutes
            last = max(local_date(a.start, tz) for a in sessions)
            tail.rule = Recurrence(tail.rule.every_weeks, until=max(last, tail.rule.until or last))
        await _check_overlaps(deps, uow, sessions)
        warnings = await _participant_warnings(deps, uow, case, sessions)
        if series is not None:
            await uow.appointments.update_series(series)
        if tail is not None:  # before its sessions point at it
            await uow.appointments.add_series(tail)
        for a in sessions:
            await uow.appointments.update(a)
        with_whom = " and ".join(staff[p].name for p in providers)
        what = "this and the following sessions" if cmd.scope is Scope.FOLLOWING else "session"
        await record(
            deps,
            uow,
            actor,
            case,
            Change(
                "appointment_changed",
                f"Changed the {what} of {service.name} to {when(start, tz)} "
                f"({cmd.minutes} minutes) with {with_whom}.",
            ),
            on_behalf,
        )
        await _commit(deps, uow)
    return Booking(
        appointment_ids=[a.id for a in sessions],
        series_id=(tail or series).id if (tail or series) else appointment.series_id,
        warnings=warnings,
    )


class CancelAppointment(Command, frozen=True, kw_only=True):
    """Cancel one session (late: the client cancelled too late, which may carry a fee), or
    with scope FOLLOWING this one and the rest of its series."""

    appointment_id: UUID
    version: int
    scope: Scope = Scope.THIS
    late: bool = False
    on_behalf_of: StaffId | None = None


async def cancel_appointment(deps: SchedulingDeps, actor: Actor, cmd: CancelAppointment) -> Booking:
    tz = deps.tz
    now = deps.clock.now()
    async with deps.uow() as uow:
        appointment, ctx = await _load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        appointment.version = cmd.version
        appointment.require_scheduled("cancelled")
        on_behalf = _on_behalf_of(ctx.actor, appointment.providers, cmd.on_behalf_of)
        mark = _mark(deps, ctx.actor, on_behalf)
        status = AppointmentStatus.LATE_CANCELLED if cmd.late else AppointmentStatus.CANCELLED
        appointment.set_status(status, appointment.expected(ctx.case, tz), now)
        appointment.touch(mark)
        cancelled = [appointment]
        series = None
        if cmd.scope is Scope.FOLLOWING:
            series = await _series_of(uow, appointment)
            others = [
                a for a in await uow.appointments.in_series(series.id) if a.id != appointment.id
            ]
            for a in others:
                if a.start > appointment.start and a.status is AppointmentStatus.SCHEDULED:
                    a.set_status(AppointmentStatus.CANCELLED, a.expected(ctx.case, tz), now)
                    a.touch(mark)
                    cancelled.append(a)
            if any(a.start < appointment.start for a in others):
                series.end_before(local_date(appointment.start, tz))
                await uow.appointments.update_series(series)
        for a in cancelled:
            await uow.appointments.update(a)
        how = "Late-cancelled" if cmd.late else "Cancelled"
        rest = f" and the {len(cancelled) - 1} following sessions" if len(cancelled) > 1 else ""
        await record(
            deps,
            uow,
            actor,
            ctx.case,
            Change(
                "appointment_cancelled",
                f"{how} the session of {when(appointment.start, tz)}{rest}.",
            ),
            on_behalf,
        )
        await uow.commit()
    return Booking(appointment_ids=[a.id for a in cancelled], series_id=appointment.series_id)


async def cancel_upcoming(
    deps: Deps, uow: UnitOfWork, actor: StaffActor, case: Case
) -> list[Appointment]:
    """Cancel the case's scheduled sessions still to come, for closing it: a closed case keeps
    no future sessions (nobody could change them any more). A series ends before its first
    cancelled session. Two reads whatever the number of sessions, then one write each."""
    now = deps.clock.now()
    coming = await uow.appointments.for_case(
        case.id, start=now, statuses=[AppointmentStatus.SCHEDULED]
    )
    first_cancelled: dict[UUID, Appointment] = {}
    for a in coming:
        a.set_status(AppointmentStatus.CANCELLED, [], now)
        a.touch(_mark(deps, actor, _on_behalf_of(actor, a.providers, None)))
        await uow.appointments.update(a)
        if a.series_id is not None:
            first_cancelled.setdefault(a.series_id, a)
    for series in (await uow.appointments.get_series_many(first_cancelled)).values():
        day = local_date(first_cancelled[series.id].start, series.tz)
        ends = series.rule.until
        if local_date(series.first_start, series.tz) < day and (ends is None or ends >= day):
            series.end_before(day)
            await uow.appointments.update_series(series)
    return coming


# ----- attendance, status, codes ------------------------------------------------------------------


class RecordAttendance(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    marks: dict[PersonId, Attendance | None]  # None clears a mark
    on_behalf_of: StaffId | None = None


async def record_attendance(
    deps: SchedulingDeps, actor: Actor, cmd: RecordAttendance
) -> Appointment:
    """Record what each expected participant did; the session's status follows. Marks are
    per person, so two people marking different participants at once both succeed."""
    if not cmd.marks:
        raise InvalidInput("Mark at least one participant.", field="attendance")
    return await _retrying(lambda: _record_attendance(deps, actor, cmd))


async def _record_attendance(
    deps: SchedulingDeps, actor: Actor, cmd: RecordAttendance
) -> Appointment:
    async with deps.uow() as uow:
        appointment, ctx = await _load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        expected = appointment.expected(ctx.case, deps.tz)
        now = deps.clock.now()
        held = appointment.holds_slot
        for person_id, mark in cmd.marks.items():
            appointment.record_attendance(person_id, mark, expected, now)
        if appointment.holds_slot and not held:
            # A late cancellation corrected to attended takes its slot back.
            await _check_overlaps(deps, uow, [appointment])
        on_behalf = _on_behalf_of(ctx.actor, appointment.providers, cmd.on_behalf_of)
        appointment.touch(_mark(deps, ctx.actor, on_behalf))
        await uow.appointments.update(appointment)
        names = await uow.people.get_many(cmd.marks)
        summary = ", ".join(
            f"{names[p].display_name if p in names else 'participant'}: "
            f"{m.label if m else 'not recorded'}"
            for p, m in cmd.marks.items()
        )
        await record(
            deps,
            uow,
            actor,
            ctx.case,
            Change(
                "attendance",
                f"Attendance for {when(appointment.start, deps.tz)}: {summary}.",
            ),
            on_behalf,
        )
        await _commit(deps, uow)
    return appointment


class SetStatus(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    version: int
    status: AppointmentStatus
    on_behalf_of: StaffId | None = None


async def set_status(deps: SchedulingDeps, actor: Actor, cmd: SetStatus) -> Appointment:
    async with deps.uow() as uow:
        appointment, ctx = await _load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        appointment.version = cmd.version
        before = appointment.status
        appointment.set_status(
            cmd.status, appointment.expected(ctx.case, deps.tz), deps.clock.now()
        )
        if not before.holds_slot and appointment.holds_slot:
            # Reinstating a cancelled session books it again: on an open case, without overlap.
            await _hold_open(uow, ctx.case, appointment.start, deps.tz)
            await _check_overlaps(deps, uow, [appointment])
        on_behalf = _on_behalf_of(ctx.actor, appointment.providers, cmd.on_behalf_of)
        appointment.touch(_mark(deps, ctx.actor, on_behalf))
        await uow.appointments.update(appointment)
        await record(
            deps,
            uow,
            actor,
            ctx.case,
            Change(
                "appointment_status",
                f"The session of {when(appointment.start, deps.tz)} is now "
                f"{appointment.status.label} (was {before.label}).",
            ),
            on_behalf,
        )
        await _commit(deps, uow)
    return appointment


class CodeInput(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    units: int = 1
    person_id: PersonId | None = None


class ConfirmCodes(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    version: int
    codes: tuple[CodeInput, ...] | None = None  # None: confirm Hearth's suggestion


async def confirm_codes(deps: SchedulingDeps, actor: Actor, cmd: ConfirmCodes) -> Appointment:
    """A clinician treating the case confirms the suggested codes, or states others (DOMAIN:
    "Hearth suggests and the clinician confirms"); an administrator does not."""
    async with deps.uow() as uow:
        appointment, ctx = await _load(
            deps, uow, actor, cmd.appointment_id, Permission.WRITE_CLINICAL
        )
        appointment.version = cmd.version
        case = ctx.case
        expected = appointment.expected(case, deps.tz)
        if cmd.codes is None:
            service = await uow.services.get(appointment.service_id)
            lines: Iterable[CodeLine] = suggest_codes(
                kind=case.kind,
                service_code=service.billing_code if service else None,
                minutes=appointment.minutes,
                expected=expected,
                attended_ids=appointment.attended_ids(expected),
            ).lines
        else:
            members = {m.person_id for m in expected}
            for c in cmd.codes:
                if c.person_id is not None and c.person_id not in members:
                    raise InvalidInput(
                        "A code line is for a participant expected at this session.",
                        field="person_id",
                    )
            lines = [CodeLine(c.code.strip(), c.units, c.person_id) for c in cmd.codes]
        appointment.confirm_codes(case, lines)
        appointment.touch(_mark(deps, ctx.actor, None))
        await uow.appointments.update(appointment)
        codes = ", ".join(c.code for c in appointment.codes or ()) or "no code"
        await record(
            deps,
            uow,
            actor,
            case,
            Change(
                "codes_confirmed",
                f"Codes for the session of {when(appointment.start, deps.tz)}: {codes}.",
            ),
        )
        await uow.commit()
    return appointment
