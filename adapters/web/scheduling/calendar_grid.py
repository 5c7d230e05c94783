"""The calendar's time grid: each column (a day, or a clinician on one day) is a list in time
order of its sessions and free slots, each placed and sized by CSS grid classes from its real
start and length (rows of five minutes; schedule.css has one class per row and per span,
because the Content-Security-Policy allows no inline style)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from core.services.scheduling.views.calendar import CalendarEntry, DayHours
from core.services.scheduling.views.free_time import free_times, span

ROW = 5  # minutes a grid row stands for
MAX_LANES = 4  # side by side at most; more overlapping sessions share the last lane


@dataclass
class Item:
    """A session or a free slot, where it sits in its column."""

    start: int  # minute of the day
    end: int
    entry: CalendarEntry | None = None  # None: a free slot
    lane: int = 1
    lanes: int = 1  # of the overlapping group it is in
    book: str = ""  # a free slot's link to the booking form

    def classes(self, hours: DayHours) -> str:
        """Its grid row (row 1: the first five minutes of `hours`), span and lane."""
        first = max(self.start, hours.first * 60)
        row = (first - hours.first * 60) // ROW + 1
        rows = max(1, -(-(min(self.end, hours.last * 60) - first) // ROW))
        lane = f"tg-x{self.lane}" if self.lanes > 1 else "tg-full"
        return f"tg-r{row} tg-s{rows} {lane}"

    @property
    def hhmm(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"


@dataclass
class Column:
    """One column of the grid: a day (week view) or a clinician (practice day view)."""

    title: str
    day: date
    provider: str | None  # the clinician a free slot books for; None: chosen on the form
    key: str = ""  # an anchor: the clinician's id in the practice day
    items: list[Item] = field(default_factory=list)

    @property
    def lanes(self) -> int:
        return max((i.lanes for i in self.items), default=1)


def _lanes(items: list[Item]) -> None:
    """Side by side where they overlap: each group of overlapping items shares the column's
    width, each item in the first lane free at its start."""
    group: list[Item] = []
    group_end = -1
    for item in items:
        if item.start >= group_end and group:
            _close(group)
            group = []
        lane_ends: dict[int, int] = {}
        for other in group:
            lane_ends[other.lane] = max(lane_ends.get(other.lane, -1), other.end)
        item.lane = next(
            (n for n in range(1, MAX_LANES + 1) if lane_ends.get(n, -1) <= item.start), MAX_LANES
        )
        group.append(item)
        group_end = max(group_end, item.end)
    if group:
        _close(group)


def _close(group: list[Item]) -> None:
    lanes = max(i.lane for i in group)
    for i in group:
        i.lanes = lanes


def slot_link(day: date, minute: int, provider: str | None) -> str:
    """The booking form at that time (for that clinician): written out, as urlencode would
    (the colon quoted), because a page of the practice has hundreds of them."""
    at = f"{day.isoformat()}T{minute // 60:02d}%3A{minute % 60:02d}"
    return f"/schedule/new?start={at}" + (f"&who={quote(provider)}" if provider else "")


def fill(column: Column, entries: list[CalendarEntry], hours: DayHours) -> Column:
    """The column's sessions and its free slots within the calendar `hours` (booking links),
    in time order."""
    items = [Item(*span(e), entry=e) for e in entries]
    items += [
        Item(start, end, book=slot_link(column.day, start, column.provider))
        for start, end in free_times(entries, hours)
    ]
    # Sessions before the free slots that start with them: a screen reader meets what is
    # booked first; cancelled ones sit next to the free time they left.
    items.sort(key=lambda i: (i.start, i.entry is None, i.end))
    _lanes(items)
    column.items = items
    return column
