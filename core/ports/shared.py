"""Time and identity come from ports, so that tests can fix them and the core stays pure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """Today's date in the practice's timezone."""
        ...


class IdGenerator(Protocol):
    def new(self) -> UUID: ...
