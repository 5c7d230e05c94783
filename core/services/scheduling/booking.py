"""Use cases of booking single sessions and recurring series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor, Permission, StaffActor, require
from core.domain.cases.case import Case
from core.domain.cases.events import CaseOpened
from core.domain.scheduling.appointments import Appointment, DoubleBooking
from core.domain.scheduling.defaults import preselected_service
from core.domain.scheduling.events import AppointmentBooked
from core.domain.scheduling.series import Recurrence, Series, expand
from core.domain.scheduling.services import check_minutes
from core.domain.scheduling.times import aware_utc, local_date
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.ports import UnitOfWork
from core.services.cases.changes import Edit, change_case, load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.steps import (
    Booking,
    _clinicians,
    _mark,
    _on_behalf_of,
    check_overlaps,
    commit_changes,
    hold_open,
    participant_warnings,
    retrying,
    usable_service,
)
from core.services.shared.bus import HandlerContext
from core.services.shared.use_case import Command, staff_actor


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
    # What the person confirmed on the form (the core refuses until they have).
    far_ahead_confirmed: bool = False  # a first session more than FAR_AHEAD_MONTHS ahead
    despite_overlaps: bool = False  # participants expected elsewhere at that time


FAR_AHEAD_MONTHS = 18  # further ahead is more often a typed year (2062) than a plan


class ConfirmationNeeded(InvalidInput):
    """A booking the person must confirm first: `field` is the confirmation the form asks
    for ("far_ahead_confirmed", "despite_overlaps"), `warnings` what it is about."""

    code = "confirmation_needed"

    def __init__(self, message: str, *, field: str, warnings: list[str] | None = None) -> None:
        super().__init__(message, field=field)
        self.warnings = warnings or [message]


def months_ahead(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _providers(case: Case, asked: tuple[StaffId, ...], day: date) -> tuple[StaffId, ...]:
    if asked:
        return tuple(dict.fromkeys(asked))
    provider = case.responsible_provider_on(day)
    if provider is None:
        raise InvalidInput("Choose the provider of this session.", field="provider_ids")
    return (provider,)


class BookingCheck(msgspec.Struct, frozen=True, kw_only=True):
    """What the form shows before Book: what the person must confirm, and what would refuse."""

    far_ahead: str | None = None  # the date to confirm, in words
    warnings: list[str] = []  # participants expected elsewhere at that time
    refusal: str | None = None  # a provider's double booking: Book will be refused


@dataclass(slots=True)
class _Plan:
    case: Case
    staff_member: StaffActor
    on_behalf: StaffId | None
    first: datetime
    sessions: list[Appointment]
    series: Series | None
    providers: tuple[StaffId, ...]
    service_id: UUID
    far_ahead: str | None


async def _plan(
    deps: SchedulingDeps, uow: UnitOfWork, actor: Actor, cmd: ScheduleAppointment, *, hold: bool
) -> _Plan:
    """The sessions a booking would make, checked as far as reading allows; `hold`: the
    booking's own run, which also holds the case open (a write, see `hold_open`)."""
    tz = deps.tz
    case = await load_case(uow, cmd.case_id)
    today = deps.clock.today()
    require(actor, case, today, Permission.MANAGE_CASE)
    staff_member = staff_actor(actor)
    service = await usable_service(uow, case, cmd.service_id)
    first = aware_utc(cmd.start, tz)
    if hold:
        await hold_open(uow, case, first, tz)
    else:
        case.require_open()
    minutes = cmd.minutes or service.minutes
    check_minutes(minutes)
    day = local_date(first, tz)
    providers = _providers(case, cmd.provider_ids, day)
    await _clinicians(uow, providers, cmd.supervisor_id)
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
    far_ahead = None
    if day > months_ahead(today, FAR_AHEAD_MONTHS):
        far_ahead = f"{day:%A} {day.day} {day:%B %Y}"
    return _Plan(
        case, staff_member, on_behalf, first, sessions, series, providers, service.id, far_ahead
    )


async def check_booking(
    deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment
) -> BookingCheck:
    """What booking `cmd` would ask to confirm, or be refused for, without booking: the form
    asks this as its fields change. Reads only (no lock is taken, nothing is written)."""
    async with deps.uow() as uow:
        plan = await _plan(deps, uow, actor, cmd, hold=False)
        try:
            await check_overlaps(deps, uow, plan.sessions)
        except DoubleBooking as clash:
            return BookingCheck(far_ahead=plan.far_ahead, refusal=clash.message)
        warnings = await participant_warnings(deps, uow, plan.case, plan.sessions)
    return BookingCheck(far_ahead=plan.far_ahead, warnings=warnings)


async def schedule_appointment(
    deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment
) -> Booking:
    """Book one session, or a weekly / every-N-weeks series ending on a date or after a count.
    A first session far ahead, or participants expected elsewhere then, are booked only once
    the command says the person confirmed them (`ConfirmationNeeded` until then)."""
    return await retrying(lambda: _schedule(deps, actor, cmd))


async def _schedule(deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment) -> Booking:
    async with deps.uow() as uow:
        plan = await _plan(deps, uow, actor, cmd, hold=True)
        if plan.far_ahead is not None and not cmd.far_ahead_confirmed:
            raise ConfirmationNeeded(
                f"That is {plan.far_ahead}, more than {FAR_AHEAD_MONTHS} months ahead: check "
                "the year, or confirm the date.",
                field="far_ahead_confirmed",
            )
        case, sessions, series = plan.case, plan.sessions, plan.series
        await check_overlaps(deps, uow, sessions)
        warnings = await participant_warnings(deps, uow, case, sessions)
        if warnings and not cmd.despite_overlaps:
            raise ConfirmationNeeded(
                " ".join(warnings) + " Book anyway only if that is arranged.",
                field="despite_overlaps",
                warnings=warnings,
            )
        sessions[0].events.record(
            AppointmentBooked(
                case_id=case.id,
                appointment_id=sessions[0].id,
                start=plan.first,
                service_id=plan.service_id,
                providers=plan.providers,
                sessions=len(sessions),
                appointment_ids=tuple(a.id for a in sessions),
                series=series.describe() if series else None,
            )
        )
        if series is not None:
            await uow.appointments.add_series(series)
        await uow.appointments.add_many(sessions)
        await commit_changes(deps, uow, plan.staff_member, case, plan.on_behalf)
    return Booking(
        appointment_ids=[a.id for a in sessions],
        series_id=series.id if series else None,
        warnings=warnings,
    )


class SetUsualService(Command, frozen=True, kw_only=True):
    case_id: CaseId
    service_id: UUID | None  # None: no usual service (the forms fall back to the last booked)
    version: int | None = None  # what the form read (core.services.cases.changes.Edit)
    was: str | None = None


async def set_usual_service(deps: SchedulingDeps, actor: Actor, cmd: SetUsualService) -> Case:
    """The service every booking form of the case preselects: an active one of its kind of
    work. Versioned and in the history like the case's other changes."""

    async def change(case: Case, uow: UnitOfWork) -> None:
        name = ""
        if cmd.service_id is not None:
            name = (await usable_service(uow, case, cmd.service_id)).name
        case.set_usual_service(cmd.service_id, name)

    edit = Edit(cmd.version, cmd.was, lambda case: case.usual_service_id)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)


async def usual_service_at_opening(event: CaseOpened, ctx: HandlerContext) -> None:
    """A new case's usual service follows from its kind: the active service of its kind of work
    that fits it best (`preselected_service`); nothing is set when the practice offers none."""
    uow = ctx.uow
    services = await uow.services.list_all()
    chosen = preselected_service(services, event.kind, usual=None, last_booked=None)
    if chosen is None:
        return
    case = await load_case(uow, event.case_id)
    case.set_usual_service(chosen.id, chosen.name)
    await uow.cases.update(case)
