"""Free time and the hours of a calendar day: what a session leaves free, per hour; the hours
widened to every session."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId
from core.services.scheduling.views.calendar import CalendarEntry, DayHours, widened
from core.services.scheduling.views.free_time import free_times


def entry(hour: int, minute: int = 0, minutes: int = 50, *, holds: bool = True) -> CalendarEntry:
    start = datetime(2026, 3, 3, hour, minute)
    return CalendarEntry(
        id=uuid.uuid4(),
        case_id=CaseId(uuid.uuid4()),
        case_name="A case",
        case_kind="individual",
        kind_label="client",
        start=start,
        end=start + timedelta(minutes=minutes),
        minutes=minutes,
        providers=[],
        status="scheduled" if holds else "cancelled",
        holds_slot=holds,
        expected_count=1,
        recorded_count=0,
    )


def hhmm(stretches: list[tuple[int, int]]) -> list[str]:
    return [f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in stretches]


def test_free_time_is_what_sessions_leave_per_hour_and_cancelled_ones_leave_free():
    hours = DayHours(first=9, last=13)
    day = [entry(9, 30, 90), entry(11, 10, 40, holds=False), entry(12, 0, 50)]
    assert hhmm(free_times(day, hours)) == ["09:00-09:30", "11:00-12:00"]
    # Ten minutes after a session are too short to book; fifteen are offered.
    assert hhmm(free_times([entry(9, 0, 50), entry(10, 0, 45)], hours)) == [
        "10:45-11:00",
        "11:00-12:00",
        "12:00-13:00",
    ]
    assert hhmm(free_times([], DayHours(first=0, last=1))) == ["00:00-01:00"]
    assert free_times([entry(9, 0, 4 * 60)], hours) == []


def test_hours_widen_to_every_session_and_refuse_nonsense():
    assert widened(DayHours(), []) == DayHours(first=8, last=18)
    assert widened(DayHours(), [entry(6, 30), entry(18, 0, 5)]) == DayHours(first=6, last=19)
    assert widened(DayHours(), [entry(17, 0, 60)]) == DayHours(first=8, last=18)
    assert widened(DayHours(), [entry(23, 30, 60)]) == DayHours(first=8, last=24)  # past midnight
    for bad in (DayHours(first=9, last=9), DayHours(first=-1, last=5), DayHours(first=8, last=25)):
        with pytest.raises(InvalidInput):
            bad.check()
