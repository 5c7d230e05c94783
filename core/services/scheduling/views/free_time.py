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


def span_of(start: datetime, end: datetime) -> tuple[int, int]:
    """Where a session sits in its start day, in minutes; one that runs past midnight ends at
    midnight."""
    first = minute_of_day(start)
    last = DAY if end.date() > start.date() else minute_of_day(end)
    return first, max(last, first + 1)


def span(e: CalendarEntry) -> tuple[int, int]:
    return span_of(e.start, e.end)


def free_times(entries: Iterable[CalendarEntry], hours: DayHours) -> list[tuple[int, int]]:
    """The free stretches of a day within `hours`, split at each full hour (a free hour is one
    link to book it; a session ending at 10:50 leaves "free from 10:50" in the 10 o'clock
    hour), each at least SHORTEST_FREE minutes long."""
    return free_between((span(e) for e in entries if e.holds_slot), hours)


def free_between(taken: Iterable[tuple[int, int]], hours: DayHours) -> list[tuple[int, int]]:
    """`free_times` of a day whose slot-holding sessions take these spans (`span_of`)."""
    busy = sorted(taken)
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
