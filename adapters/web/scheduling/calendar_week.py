"""The compact week of several clinicians: a row per clinician, a cell per day saying how many
sessions it holds and how much of the calendar hours is free, with a link to book the first
free time and one to the practice day where that clinician's column is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from adapters.web.scheduling.calendar_grid import slot_link
from core.services.scheduling.views.calendar import CalendarView
from core.services.scheduling.views.free_time import free_between, span_of
from core.services.scheduling.views.refs import StaffRef


@dataclass(frozen=True)
class DayCell:
    day: date
    sessions: int  # holding the slot (cancelled ones do not)
    free_minutes: int
    book: str  # the booking form at the first free time; "" when the day is full

    @property
    def free(self) -> str:
        h, m = divmod(self.free_minutes, 60)
        return f"{h} h {m:02d}" if h and m else f"{h} h" if h else f"{m} min"


@dataclass(frozen=True)
class ClinicianWeek:
    clinician: StaffRef
    index: int  # among the clinicians matching the filter: which practice-day page has them
    days: list[DayCell]


def compact_week(view: CalendarView) -> list[ClinicianWeek]:
    """From the view's `busy` (a calendar query without `sessions`)."""
    rows = []
    for n, theirs in enumerate(view.busy):
        cells = []
        for d in theirs.days:
            free = free_between((span_of(*t) for t in d.taken), view.hours)
            cells.append(
                DayCell(
                    day=d.day,
                    sessions=len(d.taken),
                    free_minutes=sum(end - start for start, end in free),
                    book=slot_link(d.day, free[0][0], str(theirs.clinician.id)) if free else "",
                )
            )
        rows.append(ClinicianWeek(theirs.clinician, view.first_index + n, cells))
    return rows
