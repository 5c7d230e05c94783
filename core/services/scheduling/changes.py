"""Use cases of changing a session or this-and-the-following, and cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.access import Actor, Permission
from core.domain.scheduling.appointments import (
    AppointmentStatus,
)
from core.domain.scheduling.events import (
    AppointmentCancelled,
    AppointmentMoved,
)
from core.domain.scheduling.series import Recurrence, Series
from core.domain.scheduling.services import check_minutes
from core.domain.scheduling.times import aware_utc, local_date
from core.domain.shared.values import StaffId
from core.services.cases.changes import on_behalf_for
from core.services.scheduling.booking import SessionDetails, _providers
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.steps import (
    Booking,
    Scope,
    _clinicians,
    _mark,
    _on_behalf_of,
    check_overlaps,
    commit_changes,
    hold_open,
    load,
    participant_warnings,
    retrying,
    series_of,
    usable_service,
)
from core.services.shared.bus import commit
from core.services.shared.use_case import Command


class ChangeAppointment(SessionDetails, frozen=True, kw_only=True):
    """The whole form of one session; with scope FOLLOWING its time-of-day shift, length,
    service, providers, place and supervision apply to the following sessions too."""

    appointment_id: UUID
    version: int
    minutes: int  # a change always states the length
    scope: Scope = Scope.THIS


def _shifted(start: datetime, by: timedelta, tz: ZoneInfo) -> datetime:
    """Move a session by a wall-clock difference (the series stays at its local time)."""
    local = start.astimezone(tz).replace(tzinfo=None) + by
    return aware_utc(local, tz)


async def change_appointment(deps: SchedulingDeps, actor: Actor, cmd: ChangeAppointment) -> Booking:
    return await retrying(lambda: _change_appointment(deps, actor, cmd))


async def _change_appointment(
    deps: SchedulingDeps, actor: Actor, cmd: ChangeAppointment
) -> Booking:
    tz = deps.tz
    async with deps.uow() as uow:
        appointment, ctx = await load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        appointment.version = cmd.version  # the store refuses a change of a stale read
        case = ctx.case
        service = await usable_service(uow, case, cmd.service_id)
        start = aware_utc(cmd.start, tz)
        await hold_open(uow, case, start, tz)
        check_minutes(cmd.minutes)
        providers = _providers(case, cmd.provider_ids, local_date(start, tz))
        await _clinicians(uow, providers, cmd.supervisor_id)
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
            series = await series_of(uow, appointment)
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
        await check_overlaps(deps, uow, sessions)
        warnings = await participant_warnings(deps, uow, case, sessions)
        appointment.events.record(
            AppointmentMoved(
                case_id=case.id,
                appointment_id=appointment.id,
                start=start,
                service_id=service.id,
                providers=providers,
                minutes=cmd.minutes,
                following=cmd.scope is Scope.FOLLOWING,
                appointment_ids=tuple(a.id for a in sessions),
            )
        )
        if series is not None:
            await uow.appointments.update_series(series)
        if tail is not None:  # before its sessions point at it
            await uow.appointments.add_series(tail)
        for a in sessions:
            await uow.appointments.update(a)
        await commit_changes(deps, uow, ctx.actor, case, on_behalf)
    return Booking(
        appointment_ids=[a.id for a in sessions],
        series_id=s.id if (s := tail or series) else appointment.series_id,
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
        appointment, ctx = await load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
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
            series = await series_of(uow, appointment)
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
        appointment.events.record(
            AppointmentCancelled.about(
                appointment,
                late=cmd.late,
                sessions=len(cancelled),
                appointment_ids=tuple(a.id for a in cancelled),
            )
        )
        for a in cancelled:
            await uow.appointments.update(a)
        await commit(
            deps, uow, ctx.actor, on_behalf_of=on_behalf or on_behalf_for(deps, ctx.actor, ctx.case)
        )
    return Booking(appointment_ids=[a.id for a in cancelled], series_id=appointment.series_id)
