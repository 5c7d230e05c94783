"""Use cases of changing a session or this-and-the-following, and cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.access import Actor, Permission, StaffActor
from core.domain.cases.case import Case
from core.domain.scheduling.appointments import (
    Appointment,
    AppointmentStatus,
)
from core.domain.scheduling.series import Recurrence, Series
from core.domain.scheduling.services import check_minutes
from core.domain.scheduling.times import aware_utc, local_date
from core.domain.shared.values import StaffId
from core.ports import SchedulingStore
from core.services.cases.changes import Change, record
from core.services.scheduling.booking import SessionDetails, _providers
from core.services.scheduling.deps import SchedulingDeps, when
from core.services.scheduling.steps import (
    Booking,
    Scope,
    _clinicians,
    _commit,
    _mark,
    _on_behalf_of,
    check_overlaps,
    hold_open,
    load,
    participant_warnings,
    retrying,
    series_of,
    usable_service,
)
from core.services.shared.use_case import Command, Deps


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
    deps: Deps, uow: SchedulingStore, actor: StaffActor, case: Case
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
