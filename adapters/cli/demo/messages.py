"""The demo's messages: a session of Maya & Sam booked today for three days ahead, so that a
new user sees the booking notice go out (on the console, or to the mail server configured)
with its calendar invitation and confirm / cancel links, and its 48-hour reminder queued.
Everything the scenarios queued while the demo's clock was in the past has expired by now."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.cli.demo.loader import Loader
from adapters.cli.demo.staff import Team
from core.services import scheduling as sched


async def upcoming_session(d: Loader, t: Team) -> None:
    d.clock.at(d.today)
    async with d.deps.uow() as uow:
        couple_service = next(
            s for s in await uow.services.list_all() if s.name == "Couple psychotherapy 50"
        )
    day = d.today + timedelta(days=3)
    await sched.schedule_appointment(
        d.deps,
        t.lee,
        sched.ScheduleAppointment(
            case_id=d.cases["couple"],
            start=datetime.combine(day, datetime.min.time()).replace(hour=12),
            service_id=couple_service.id,
            location="Room 2",
        ),
    )
