"""Payments in memory: attempts, payments and cards on file as tables of the unit of work (so
their events are collected and their versions checked at commit), a payment or attempt keyed by
the id its key gives (a second one with the same key is refused at commit, as the SQL primary
key refuses it), and processor events noted once (a second note of one event id is refused
at commit)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any
from uuid import UUID

from adapters.persistence.memory.store import MemoryStore, Repository, Table
from core.domain.billing.payments import (
    AttemptState,
    CardAttempt,
    CardOnFile,
    DuplicateKey,
    Payment,
)
from core.domain.cases.responsibilities import PayerRef

PAYMENTS_TABLES = (
    ("card_attempts", "card payment"),
    ("payments", "payment"),
    ("cards_on_file", "card on file"),
)


def check_keys_at_commit(tables: dict[str, Table[Any]]) -> None:
    """A payment or attempt staged here whose key another unit of work committed first."""
    for name in ("card_attempts", "payments"):
        table = tables[name]
        for key, expected in table.expected.items():
            if expected is None and key in table._rows:
                raise DuplicateKey("This was recorded already.")


def _copies(rows: list[Any]) -> list[Any]:
    return [copy.deepcopy(r) for r in rows]


class MemoryCardAttemptRepository(Repository[CardAttempt]):
    async def add_if_new(self, attempt: CardAttempt) -> bool:
        if self._t.get(attempt.id) is not None:
            return False
        self._t.add(attempt)
        return True

    async def get_by_key(self, key: str) -> CardAttempt | None:
        return next((copy.deepcopy(a) for a in self._t.visible() if a.key == key), None)

    async def unfinished(self, started_before: datetime, limit: int = 100) -> list[CardAttempt]:
        rows = [
            a
            for a in self._t.visible()
            if a.state is AttemptState.STARTED and a.started_at < started_before
        ]
        return _copies(sorted(rows, key=lambda a: (a.started_at, str(a.id)))[:limit])

    async def declined(self, limit: int = 50) -> list[CardAttempt]:
        rows = [a for a in self._t.visible() if a.state is AttemptState.DECLINED]
        rows.sort(key=lambda a: (a.finished_at or a.started_at, str(a.id)), reverse=True)
        return _copies(rows[:limit])

    async def for_payer(self, payer: PayerRef, limit: int = 20) -> list[CardAttempt]:
        rows = [a for a in self._t.visible() if a.payer == payer]
        rows.sort(key=lambda a: (a.started_at, str(a.id)), reverse=True)
        return _copies(rows[:limit])


class MemoryPaymentRepository(Repository[Payment]):
    async def add_if_new(self, payment: Payment) -> bool:
        if self._t.get(payment.id) is not None:
            return False
        self._t.add(payment)
        return True

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[Payment]:
        rows = [
            p
            for p in self._t.visible()
            if p.payer == payer
            and (start is None or p.received_on >= start)
            and (end is None or p.received_on <= end)
        ]
        return _copies(sorted(rows, key=lambda p: (p.received_on, p.recorded_at, str(p.id))))

    async def with_credit(self, payer: PayerRef) -> list[Payment]:
        return [p for p in await self.for_payer(payer) if p.unapplied.amount_minor > 0]

    async def payers_with_credit(self) -> set[PayerRef]:
        return {p.payer for p in self._t.visible() if p.unapplied.amount_minor > 0}


class MemoryCardOnFileRepository(Repository[CardOnFile]):
    async def on_autopay(self) -> set[UUID]:
        return {c.id for c in self._t.visible() if c.autopay_active}


class MemoryProcessorEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[str, tuple[str, datetime]] = store.tables["processor_events"]
        self._staged: dict[str, tuple[str, datetime]] = {}

    async def record(self, event_id: str, type: str, at: datetime) -> bool:
        if event_id in self._rows or event_id in self._staged:
            return False
        self._staged[event_id] = (type, at)
        return True

    def check(self) -> None:
        if any(event_id in self._rows for event_id in self._staged):
            raise DuplicateKey("This processor event was recorded already.")

    def apply(self) -> None:
        self._rows.update(self._staged)
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()
