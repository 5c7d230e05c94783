"""The compact week of several clinicians: a row per clinician, a cell per day saying how many
sessions it holds and how much of the calendar hours is free, with a link to book the first
free time and one to the practice day where that clinician's column is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from adapters.web.scheduling.calendar_grid import slot_link
from core.services.scheduling.views.calendar import CalendarEntry, CalendarView
from core.services.scheduling.views.free_time import free_times
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
    theirs: dict[tuple[str, date], list[CalendarEntry]] = {}
    for d in view.days:
        for e in d.entries:
            for p in e.providers:
                theirs.setdefault((str(p.id), d.day), []).append(e)
    rows = []
    for n, clinician in enumerate(view.providers):
        cells = []
        for d in view.days:
            entries = theirs.get((str(clinician.id), d.day), [])
            free = free_times(entries, view.hours)
            cells.append(
                DayCell(
                    day=d.day,
                    sessions=sum(1 for e in entries if e.holds_slot),
                    free_minutes=sum(end - start for start, end in free),
                    book=slot_link(d.day, free[0][0], str(clinician.id)) if free else "",
                )
            )
        rows.append(ClinicianWeek(clinician, view.first_index + n, cells))
    return rows
