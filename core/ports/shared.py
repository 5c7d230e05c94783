"""Time and identity come from ports, so that tests can fix them and the core stays pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from core.domain.shared.audit import AuditRecord


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """Today's date in the practice's timezone."""
        ...


class IdGenerator(Protocol):
    def new(self) -> UUID: ...


class AuditTrail(Protocol):
    """Where every context writes what was read or changed (see core.domain.shared.audit).
    `record` returns once the entry is durable: a read model calls it before it returns, so a
    screen is never sent without its entry."""

    async def record(self, entry: AuditRecord) -> None: ...

    async def record_many(self, entries: Sequence[AuditRecord]) -> None: ...
