"""What scheduling does when another context's event happens."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.events import CaseClosed
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.events import UpcomingSessionsCancelled
from core.domain.scheduling.times import local_date
from core.services.scheduling.steps import _mark, _on_behalf_of
from core.services.shared.bus import HandlerContext
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
