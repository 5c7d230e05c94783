"""What scheduling does when another context's event happens."""

from __future__ import annotations

from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.events import (
    CaseClosed,
    CaseEvent,
    EnteredInError,
    MemberLeft,
    MembershipEndChanged,
)
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.events import UpcomingSessionsCancelled
from core.domain.scheduling.times import local_date, start_of_day
from core.domain.shared.errors import InvariantViolation
from core.domain.shared.values import ONE_DAY
from core.services.scheduling.deps import when
from core.services.scheduling.steps import _mark, _on_behalf_of
from core.services.shared.bus import Handler, HandlerContext
from core.services.shared.use_case import staff_actor


async def cancel_sessions_of_closed_case(event: CaseClosed, ctx: HandlerContext) -> None:
    """A closed case keeps no sessions to come (nobody could change them any more): cancel
    them, and end each series before its first cancelled session. Two reads whatever the
    number of sessions, then one write each."""
    uow, deps = ctx.uow, ctx.deps
    actor = staff_actor(ctx.actor)
    now = deps.clock.now()
    coming = await uow.appointments.for_case(
        event.case_id, start=now, statuses=[AppointmentStatus.SCHEDULED]
    )
    if not coming:
        return
    coming[0].events.record(
        UpcomingSessionsCancelled(
            case_id=event.case_id, appointment_ids=tuple(a.id for a in coming)
        )
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


def keep_recorded_attendance(tz: ZoneInfo) -> Handler:
    """Recorded attendance is never hidden: a membership that ends (or is corrected to end)
    before a session where that person's attendance is recorded, or that is marked entered in
    error while attendance is recorded in its period, is refused with the sessions named.
    Ending it anyway is a deliberate confirmation (`attendance_after_leaving`): the grid then
    shows that attendance, marked "after leaving". An entered-in-error membership has no such
    confirmation: the attendance is corrected first. `tz`: the practice's, to name the times."""

    async def check(event: CaseEvent, ctx: HandlerContext) -> None:
        match event:
            case MemberLeft(attendance_after_leaving=False):
                person, first, last = event.person_id, event.left_on + ONE_DAY, None
            case MembershipEndChanged(attendance_after_leaving=False, after=date() as after):
                if event.before is not None and after >= event.before:
                    return
                person, first, last = event.person_id, after + ONE_DAY, event.before
            case EnteredInError(item_kind="membership", person_id=person) if person is not None:
                first, last = event.start, event.end
            case _:
                return
        recorded = [
            a
            for a in await ctx.uow.appointments.for_case(
                event.case_id,
                start=start_of_day(first, tz),
                end=start_of_day(last + ONE_DAY, tz) if last else None,
                statuses=[s for s in AppointmentStatus if s is not AppointmentStatus.CANCELLED],
            )
            if person in a.attendance
        ]
        if not recorded:
            return
        sessions = ", ".join(when(a.start, tz) for a in recorded[:6])
        more = f" and {len(recorded) - 6} more" if len(recorded) > 6 else ""
        if isinstance(event, EnteredInError):
            raise InvariantViolation(
                f"Attendance is recorded for this person at {sessions}{more}. Recorded "
                "attendance is never hidden: clear it on those sessions first.",
                field="reason",
            )
        raise InvariantViolation(
            f"Attendance is recorded for this person after that day: {sessions}{more}. "
            "Choose a later last day, or confirm to keep that attendance (it stays in the "
            "attendance grid, marked “after leaving”).",
            field="attendance_after_leaving",
        )

    return check
