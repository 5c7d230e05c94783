from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.ports import Clock


class SystemClock:
    """The real time; `today` is the date in the practice's timezone."""

    def __init__(self, timezone: str = "UTC") -> None:
        self._tz = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self._tz).date()


class FixedClock:
    """A clock that stands still until moved: the in-memory clock for tests and demos."""

    def __init__(self, at: datetime, timezone: str = "UTC") -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._at = at.astimezone(UTC)
        self._tz = ZoneInfo(timezone)

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.astimezone(self._tz).date()

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class PracticeClock:
    """Another clock's time, with `today` in the practice's timezone as it is now (the owner
    can change it): made for each request from the practice's stored timezone."""

    def __init__(self, clock: Clock, timezone: str) -> None:
        self._clock = clock
        self._tz = ZoneInfo(timezone)

    def now(self) -> datetime:
        return self._clock.now()

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()
