"""The demo practice's settings, saved through the Settings screens' use cases: its name and
timezone, two rooms and a video link, weekday calendar hours, reminders and the fees of a late
cancellation or a no-show."""

from __future__ import annotations

from datetime import time

from adapters.cli.demo.loader import Loader
from core.services.directory.practice_settings import (
    ChangePractice,
    PracticeCache,
    change_practice,
)
from core.services.scheduling import settings as s

ROOMS = {"Room 1": "Ground floor, by the waiting room", "Room 2": "First floor, the large room"}


async def set_up_practice(d: Loader) -> None:
    """The practice's details (in the timezone the demo was loaded with) and its scheduling
    settings: the owner fills them in on the first day."""
    await change_practice(
        d.deps,
        d.owner,
        PracticeCache(d.deps.timezone),
        ChangePractice(
            version=0,
            name="Hearth Demo Practice",
            address="12 Harbour Street, Suite 3",
            phone="+1 555 010 2030",
            timezone=d.deps.timezone,
            currency="USD",
            tax_id="EIN 12-3456789",
        ),
    )
    for name, address in ROOMS.items():
        await s.add_location(d.deps, d.owner, s.LocationDetails(name=name, address=address))
    weekday = s.DayRange(opens=time(8), closes=time(20))
    saturday = s.DayRange(opens=time(9), closes=time(13))
    hours = (weekday,) * 5 + (saturday, None)
    await s.change_hours(d.deps, d.owner, s.ChangeHours(version=0, hours=hours))
    await s.change_telehealth_link(
        d.deps,
        d.owner,
        s.ChangeTelehealthLink(version=1, telehealth_link="https://video.hearth.example/room"),
    )
    await s.change_reminders(
        d.deps,
        d.owner,
        s.ChangeReminders(
            version=2,
            reminders=(
                s.Reminder(hours_before=48, channel="email"),
                s.Reminder(hours_before=24, channel="sms"),
            ),
            late_cancel_hours=24,
        ),
    )
