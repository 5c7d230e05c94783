"""Request counters in the process: the in-memory practice lives in one process anyway."""

from __future__ import annotations

import threading
from datetime import datetime


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, datetime], int] = {}
        self._lock = threading.Lock()

    async def hit(self, key: str, window_start: datetime, forget_before: datetime) -> int:
        with self._lock:
            for old in [k for k in self._hits if k[1] < forget_before]:
                del self._hits[old]
            count = self._hits.get((key, window_start), 0) + 1
            self._hits[(key, window_start)] = count
        return count

    async def release(self, key: str, window_start: datetime) -> None:
        with self._lock:
            if self._hits.get((key, window_start), 0) > 0:
                self._hits[(key, window_start)] -= 1

    async def count(self, key: str, window_start: datetime) -> int:
        return self._hits.get((key, window_start), 0)
