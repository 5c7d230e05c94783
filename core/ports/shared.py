"""Time and identity come from ports, so that tests can fix them and the core stays pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from core.domain.shared.audit import AuditRecord
from core.domain.shared.events import DomainEvent


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """Today's date in the practice's timezone."""
        ...


class IdGenerator(Protocol):
    def new(self) -> UUID: ...


class Transaction(Protocol):
    """What every context's store is: an async context manager whose changes become visible to
    others only on `commit()`; leaving it without committing (or with an exception) discards
    everything (see `unit_of_work`)."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None:
        """Make the changes durable. Refuses while stored aggregates have events nobody
        collected: those go through the message bus first (core.services.shared.bus)."""
        ...

    async def rollback(self) -> None: ...

    def collect_events(self) -> list[DomainEvent]:
        """The events of the aggregates added or updated since the last call, oldest first."""
        ...


class AuditTrail(Protocol):
    """Where every context writes what was read or changed (see core.domain.shared.audit).
    `record` returns once the entry is durable: a read model calls it before it returns, so a
    screen is never sent without its entry."""

    async def record(self, entry: AuditRecord) -> None: ...

    async def record_many(self, entries: Sequence[AuditRecord]) -> None: ...
