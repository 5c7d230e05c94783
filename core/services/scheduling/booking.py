"""Use cases of booking single sessions and recurring series."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case
from core.domain.cases.events import CaseOpened
from core.domain.scheduling.appointments import (
    Appointment,
)
from core.domain.scheduling.defaults import preselected_service
from core.domain.scheduling.events import AppointmentBooked
from core.domain.scheduling.series import Recurrence, Series, expand
from core.domain.scheduling.services import check_minutes
from core.domain.scheduling.times import aware_utc, local_date
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case, load_case
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


def _providers(case: Case, asked: tuple[StaffId, ...], day: date) -> tuple[StaffId, ...]:
    if asked:
        return tuple(dict.fromkeys(asked))
    provider = case.responsible_provider_on(day)
    if provider is None:
        raise InvalidInput("Choose the provider of this session.", field="provider_ids")
    return (provider,)


async def schedule_appointment(
    deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment
) -> Booking:
    """Book one session, or a weekly / every-N-weeks series ending on a date or after a count."""
    return await retrying(lambda: _schedule(deps, actor, cmd))


async def _schedule(deps: SchedulingDeps, actor: Actor, cmd: ScheduleAppointment) -> Booking:
    tz = deps.tz
    async with deps.uow() as uow:
        case = await load_case(uow, cmd.case_id)
        require(actor, case, deps.clock.today(), Permission.MANAGE_CASE)
        staff_member = staff_actor(actor)
        service = await usable_service(uow, case, cmd.service_id)
        first = aware_utc(cmd.start, tz)
        await hold_open(uow, case, first, tz)
        minutes = cmd.minutes or service.minutes
        check_minutes(minutes)
        providers = _providers(case, cmd.provider_ids, local_date(first, tz))
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
        await check_overlaps(deps, uow, sessions)
        warnings = await participant_warnings(deps, uow, case, sessions)
        sessions[0].events.record(
            AppointmentBooked(
                case_id=case.id,
                appointment_id=sessions[0].id,
                start=first,
                service_id=service.id,
                providers=providers,
                sessions=len(sessions),
                appointment_ids=tuple(a.id for a in sessions),
                series=series.describe() if series else None,
            )
        )
        if series is not None:
            await uow.appointments.add_series(series)
        await uow.appointments.add_many(sessions)
        await commit_changes(deps, uow, staff_member, case, on_behalf)
    return Booking(
        appointment_ids=[a.id for a in sessions],
        series_id=series.id if series else None,
        warnings=warnings,
    )


class SetUsualService(Command, frozen=True, kw_only=True):
    case_id: CaseId
    service_id: UUID | None  # None: no usual service (the forms fall back to the last booked)


async def set_usual_service(deps: SchedulingDeps, actor: Actor, cmd: SetUsualService) -> Case:
    """The service every booking form of the case preselects: an active one of its kind of
    work. Versioned and in the history like the case's other changes."""

    async def change(case: Case, uow: UnitOfWork) -> None:
        name = ""
        if cmd.service_id is not None:
            name = (await usable_service(uow, case, cmd.service_id)).name
        case.set_usual_service(cmd.service_id, name)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


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
