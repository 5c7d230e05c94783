"""The calendar grid's hours come from the practice's calendar hours (its settings screen)."""

from __future__ import annotations

from datetime import time

from core.domain.scheduling.settings import DayHours as OpenHours
from core.domain.scheduling.settings import SchedulingPolicy
from core.services.scheduling.views.calendar import DayHours, practice_hours


def test_the_grid_spans_the_earliest_opening_to_the_latest_closing_in_whole_hours() -> None:
    week = (
        OpenHours(time(9), time(17)),
        OpenHours(time(7, 30), time(20, 30)),
        *([OpenHours(time(9), time(17))] * 3),
        None,
        None,
    )
    assert practice_hours(SchedulingPolicy(hours=week)) == DayHours(first=7, last=21)


def test_before_the_settings_are_saved_the_defaults_apply() -> None:
    assert practice_hours(None) == practice_hours(SchedulingPolicy()) == DayHours(first=8, last=18)
