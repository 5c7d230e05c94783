"""Free time in a calendar day: what is left of the calendar hours once the sessions that hold
the slot are taken out, in minutes of the day's wall clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.services.scheduling.views.calendar import CalendarEntry, DayHours

DAY = 24 * 60
SHORTEST_FREE = 15  # minutes: a shorter gap between sessions is not offered for booking


def minute_of_day(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def span(e: CalendarEntry) -> tuple[int, int]:
    """Where an entry sits in its start day, in minutes; one that runs past midnight ends at
    midnight."""
    start = minute_of_day(e.start)
    end = DAY if e.end.date() > e.start.date() else minute_of_day(e.end)
    return start, max(end, start + 1)


def free_times(entries: Iterable[CalendarEntry], hours: DayHours) -> list[tuple[int, int]]:
    """The free stretches of a day within `hours`, split at each full hour (a free hour is one
    link to book it; a session ending at 10:50 leaves "free from 10:50" in the 10 o'clock
    hour), each at least SHORTEST_FREE minutes long."""
    busy = sorted(span(e) for e in entries if e.holds_slot)
    free: list[tuple[int, int]] = []
    for hour in range(hours.first, hours.last):
        at, until = hour * 60, hour * 60 + 60
        for start, end in busy:
            if end <= at or start >= until:
                continue
            if start - at >= SHORTEST_FREE:
                free.append((at, start))
            at = max(at, end)
        if until - at >= SHORTEST_FREE:
            free.append((at, until))
    return free
