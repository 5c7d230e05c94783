from __future__ import annotations

from datetime import datetime
from typing import Protocol


class RateLimiter(Protocol):
    """Counters shared by every worker (the database, or the process for the in-memory
    practice). Counted outside any unit of work: a request refused later still counts."""

    async def hit(self, key: str, window_start: datetime, forget_before: datetime) -> int:
        """Count one request of `key` in the window starting at `window_start` and return
        the window's count with it, as one atomic step; windows that started before
        `forget_before` may be dropped."""
        ...

    async def release(self, key: str, window_start: datetime) -> None:
        """Take back one request counted in that window (an attempt that did not fail), as
        one atomic step; never below zero."""
        ...

    async def count(self, key: str, window_start: datetime) -> int:
        """The window's count so far (nothing is counted)."""
        ...
