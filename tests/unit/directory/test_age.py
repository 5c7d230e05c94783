"""A minor's age, as staff see it next to their name."""

from __future__ import annotations

from datetime import date

from core.domain.directory.age import age_on, minor_age


def test_age_counts_completed_years_and_a_leap_day_birthday_comes_on_1_march():
    assert age_on(date(2011, 3, 2), date(2026, 3, 1)) == 14
    assert age_on(date(2011, 3, 2), date(2026, 3, 2)) == 15
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_only_a_minor_has_an_age_shown():
    today = date(2026, 1, 5)
    assert minor_age(date(2011, 3, 2), today) == 14
    assert minor_age(date(2008, 1, 5), today) is None  # 18 today
    assert minor_age(date(2008, 1, 6), today) == 17
    assert minor_age(None, today) is None
    assert minor_age(date(2027, 1, 1), today) is None  # a birth date in the future is not an age
