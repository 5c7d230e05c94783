"""The pure rules behind two-step sign-in and the request limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.domain.directory.second_factor import (
    looks_like_totp,
    new_recovery_codes,
    recovery_hash,
)
from core.domain.shared.limits import Limit, TooManyRequests


def test_recovery_codes_are_distinct_and_read_off_paper_in_any_form() -> None:
    codes = new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(len(c) == 14 and c.count("-") == 2 for c in codes)
    code = codes[0]
    assert recovery_hash(code) == recovery_hash(code.upper().replace("-", "  "))
    assert recovery_hash(code) != recovery_hash(codes[1])
    assert (
        looks_like_totp(" 123 456 ") and not looks_like_totp(code) and not looks_like_totp("12345")
    )


def test_a_window_says_how_long_is_left_in_whole_minutes() -> None:
    limit = Limit("sign_in", 3, timedelta(minutes=15))
    at = datetime(2026, 12, 1, 9, 7, 30, tzinfo=UTC)
    assert limit.window_start(at) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert limit.minutes_left(at) == 8  # 7.5 minutes, rounded up: never "try again in 0"
    assert limit.minutes_left(datetime(2026, 12, 1, 9, 14, 59, tzinfo=UTC)) == 1
    assert "try again in 1 minute." in TooManyRequests(1).message
    assert "try again in 8 minutes." in TooManyRequests(8).message
