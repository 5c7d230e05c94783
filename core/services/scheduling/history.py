"""Scheduling's lines in the case history, from its events, in the practice's time."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from core.domain.scheduling import events as ev
from core.domain.shared.values import StaffId
from core.services.scheduling.deps import SchedulingDeps, when
from core.services.shared.bus import HandlerContext


async def _with_whom(ctx: HandlerContext, providers: Iterable[StaffId]) -> str:
    found = await ctx.uow.staff.get_many(providers)
    return " and ".join(found[p].name if p in found else "a clinician" for p in providers)


async def _service(ctx: HandlerContext, service_id: object) -> str:
    service = await ctx.uow.services.get(service_id)  # type: ignore[arg-type]
    return service.name if service else "a session"


async def _sentence(
    event: ev.AppointmentEvent, ctx: HandlerContext, tz: ZoneInfo
) -> tuple[str, str] | None:
    at = when(event.start, tz)
    match event:
        case ev.AppointmentBooked():
            service, whom = (
                await _service(ctx, event.service_id),
                await _with_whom(ctx, event.providers),
            )
            if event.series:
                summary = (
                    f"Scheduled {service}: {event.series}, first on {at}, "
                    f"{event.sessions} sessions with {whom}."
                )
            else:
                summary = f"Scheduled {service} on {at} with {whom}."
            return "appointment_scheduled", summary
        case ev.AppointmentMoved():
            service, whom = (
                await _service(ctx, event.service_id),
                await _with_whom(ctx, event.providers),
            )
            what = "this and the following sessions" if event.following else "session"
            summary = (
                f"Changed the {what} of {service} to {at} ({event.minutes} minutes) with {whom}."
            )
            return "appointment_changed", summary
        case ev.AppointmentCancelled():
            how = "Late-cancelled" if event.late else "Cancelled"
            n = event.sessions
            rest = f" and the {n - 1} following sessions" if n > 1 else ""
            return "appointment_cancelled", f"{how} the session of {at}{rest}."
        case ev.AttendanceRecorded():
            names = await ctx.uow.people.get_many(p for p, _ in event.marks)
            summary = ", ".join(
                f"{names[p].display_name if p in names else 'participant'}: "
                f"{m.label if m else 'not recorded'}"
                for p, m in event.marks
            )
            return "attendance", f"Attendance for {at}: {summary}."
        case ev.StatusSet():
            summary = f"The session of {at} is now {event.status.label} (was {event.before.label})."
            return "appointment_status", summary
    return None  # another context's event about a session tells its own line


async def narrate(event: ev.AppointmentEvent, ctx: HandlerContext) -> None:
    # Sessions are booked and changed by scheduling's own use cases, with its deps.
    deps: SchedulingDeps = ctx.deps
    said = await _sentence(event, ctx, deps.tz)
    if said is not None:
        ctx.narrate(event, event.case_id, *said)


async def narrate_cancelled_upcoming(
    event: ev.UpcomingSessionsCancelled, ctx: HandlerContext
) -> None:
    n = len(event.appointment_ids)
    summary = f"Cancelled {n} scheduled session{'s' * (n > 1)} to come."
    ctx.narrate(event, event.case_id, "sessions_cancelled", summary)
