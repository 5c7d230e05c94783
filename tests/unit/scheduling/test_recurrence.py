"""Recurring series repeat in the practice's wall-clock time, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.scheduling.series import MAX_OCCURRENCES, Recurrence, expand
from core.domain.scheduling.times import aware_utc
from core.domain.shared.errors import InvalidInput

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def local(starts: list[datetime], tz: ZoneInfo) -> list[str]:
    return [f"{s.astimezone(tz):%Y-%m-%d %H:%M}" for s in starts]


def test_a_weekly_new_york_evening_session_stays_at_18_00_when_the_clocks_go_forward():
    first = aware_utc(datetime(2026, 3, 3, 18, 0), NEW_YORK)  # US DST begins on 8 March 2026
    starts = expand(first, Recurrence(count=3), NEW_YORK)
    assert local(starts, NEW_YORK) == ["2026-03-03 18:00", "2026-03-10 18:00", "2026-03-17 18:00"]
    # ... which is an hour earlier in UTC after the change: 23:00, then 22:00.
    assert [s.hour for s in starts] == [23, 22, 22]
    assert all(s.tzinfo is UTC for s in starts)


def test_a_berlin_series_keeps_its_time_through_both_changes_of_the_year():
    first = aware_utc(datetime(2026, 3, 24, 9, 30), BERLIN)  # summer time from 29 March
    starts = expand(first, Recurrence(every_weeks=31, count=2), BERLIN)
    assert local(starts, BERLIN) == ["2026-03-24 09:30", "2026-10-27 09:30"]
    weekly = expand(first, Recurrence(until=date(2026, 4, 7)), BERLIN)
    assert local(weekly, BERLIN) == ["2026-03-24 09:30", "2026-03-31 09:30", "2026-04-07 09:30"]
    assert weekly[1] - weekly[0] == timedelta(days=7, hours=-1)  # one hour less in real time
    autumn = expand(aware_utc(datetime(2026, 10, 20, 9, 30), BERLIN), Recurrence(count=2), BERLIN)
    assert autumn[1] - autumn[0] == timedelta(days=7, hours=1)  # back to winter time


def test_every_n_weeks_until_a_date_includes_that_date_and_stops_after_it():
    first = aware_utc(datetime(2026, 1, 6, 10, 0), NEW_YORK)
    starts = expand(first, Recurrence(every_weeks=2, until=date(2026, 2, 17)), NEW_YORK)
    assert local(starts, NEW_YORK) == [
        "2026-01-06 10:00",
        "2026-01-20 10:00",
        "2026-02-03 10:00",
        "2026-02-17 10:00",
    ]
    assert len(expand(first, Recurrence(every_weeks=2, until=date(2026, 2, 16)), NEW_YORK)) == 3


def test_a_session_the_spring_change_skips_moves_forward_by_the_gap():
    # 02:30 on Sunday 8 March 2026 does not exist in New York.
    first = aware_utc(datetime(2026, 3, 1, 2, 30), NEW_YORK)
    starts = expand(first, Recurrence(count=3), NEW_YORK)
    assert local(starts, NEW_YORK) == ["2026-03-01 02:30", "2026-03-08 03:30", "2026-03-15 02:30"]


def test_a_wall_clock_time_that_does_not_exist_is_refused_when_typed():
    with pytest.raises(InvalidInput, match="does not exist") as refused:
        aware_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK)
    assert refused.value.field == "start"
    # An aware instant is taken as it is.
    moment = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert aware_utc(moment, NEW_YORK) == moment


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (dict(every_weeks=0, count=2), "every 1 to 52 weeks"),
        (dict(every_weeks=1), "on a date or after a number"),
        (dict(count=3, until=date(2026, 5, 1)), "on a date or after a number"),
        (dict(count=MAX_OCCURRENCES + 1), "1 to 260 sessions"),
    ],
)
def test_a_series_rule_is_refused_with_a_clear_reason(rule, message):
    with pytest.raises(InvalidInput, match=message):
        Recurrence(**rule)


def test_an_endless_or_backwards_series_is_refused():
    first = aware_utc(datetime(2026, 1, 6, 10, 0), NEW_YORK)
    with pytest.raises(InvalidInput, match="at most 260"):
        expand(first, Recurrence(until=date(2032, 1, 1)), NEW_YORK)
    with pytest.raises(InvalidInput, match="ends before its first"):
        expand(first, Recurrence(until=date(2026, 1, 5)), NEW_YORK)
