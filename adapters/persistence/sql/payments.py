"""Payments on SQL. A card attempt or payment is inserted with `ON CONFLICT DO NOTHING` on its
key: two writers of one key never both insert (PostgreSQL makes the second wait for the first
to commit, SQLite serialises writers), and the loser learns it from the row count. Versioned
updates are `UPDATE ... WHERE version = :read` (no row: another writer came first)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.billing.payments import (
    AttemptState,
    CardAttempt,
    CardOnFile,
    Payment,
    PaymentMethod,
)
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import ConcurrencyConflict
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import Money, StaffId


def _payer(row: Any) -> PayerRef:
    return PayerRef(PayerKind(row.payer_kind), row.payer_id)


def _staff(value: UUID | None) -> StaffId | None:
    return None if value is None else StaffId(value)


class _Keyed:
    table: sa.Table
    what: str

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.events: list[DomainEvent] = []

    async def _insert_if_new(self, values: dict[str, Any]) -> bool:
        insert = postgresql.insert if self._conn.dialect.name == "postgresql" else sqlite.insert
        statement = insert(self.table).values(**values).on_conflict_do_nothing()
        return (await self._conn.execute(statement)).rowcount == 1

    async def _update(self, entity: Any, values: dict[str, Any]) -> None:
        c = self.table.c
        done = await self._conn.execute(
            sa.update(self.table)
            .where(c.id == entity.id, c.version == entity.version)
            .values(**values, version=entity.version + 1)
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict(f"This {self.what}")
        entity.version += 1

    async def _select(self, *where: Any, order: Any = (), limit: int | None = None) -> list[Any]:
        query = sa.select(self.table).where(*where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return list(await self._conn.execute(query))


def _attempt_values(a: CardAttempt) -> dict[str, Any]:
    return {
        "state": a.state.value,
        "finished_at": a.finished_at,
        "charge_reference": a.charge_reference,
        "decline_code": a.decline_code,
        "decline_message": a.decline_message,
        "payment_id": a.payment_id,
    }


def _attempt(row: Any) -> CardAttempt:
    return CardAttempt(
        id=row.id,
        key=row.key,
        payer=_payer(row),
        amount=Money(row.amount_minor, row.currency),
        started_at=row.started_at,
        invoice_ids=tuple(UUID(i) for i in row.invoice_ids),
        autopay=row.autopay,
        started_by=_staff(row.started_by),
        state=AttemptState(row.state),
        finished_at=row.finished_at,
        charge_reference=row.charge_reference,
        decline_code=row.decline_code,
        decline_message=row.decline_message,
        payment_id=row.payment_id,
        version=row.version,
    )


class SqlCardAttemptRepository(_Keyed):
    table = t.card_attempts
    what = "card payment"

    async def add_if_new(self, attempt: CardAttempt) -> bool:
        self.events += attempt.events.pull()
        return await self._insert_if_new(
            {
                "id": attempt.id,
                "key": attempt.key,
                "payer_kind": attempt.payer.kind.value,
                "payer_id": attempt.payer.id,
                "amount_minor": attempt.amount.amount_minor,
                "currency": attempt.amount.currency,
                "started_at": attempt.started_at,
                "invoice_ids": [str(i) for i in attempt.invoice_ids],
                "autopay": attempt.autopay,
                "started_by": attempt.started_by,
                "version": attempt.version,
                **_attempt_values(attempt),
            }
        )

    async def get_by_key(self, key: str) -> CardAttempt | None:
        rows = await self._select(self.table.c.key == key)
        return _attempt(rows[0]) if rows else None

    async def update(self, attempt: CardAttempt) -> None:
        self.events += attempt.events.pull()
        await self._update(attempt, _attempt_values(attempt))

    async def unfinished(self, started_before: datetime, limit: int = 100) -> list[CardAttempt]:
        c = self.table.c
        rows = await self._select(
            c.state == AttemptState.STARTED.value,
            c.started_at < started_before,
            order=(c.started_at, c.id),
            limit=limit,
        )
        return [_attempt(r) for r in rows]

    async def declined(self, limit: int = 50) -> list[CardAttempt]:
        c = self.table.c
        rows = await self._select(
            c.state == AttemptState.DECLINED.value,
            order=(c.finished_at.desc(), c.id.desc()),
            limit=limit,
        )
        return [_attempt(r) for r in rows]

    async def for_payer(self, payer: PayerRef, limit: int = 20) -> list[CardAttempt]:
        c = self.table.c
        rows = await self._select(
            c.payer_kind == payer.kind.value,
            c.payer_id == payer.id,
            order=(c.started_at.desc(), c.id.desc()),
            limit=limit,
        )
        return [_attempt(r) for r in rows]


def _payment(row: Any) -> Payment:
    return Payment(
        id=row.id,
        key=row.key,
        payer=_payer(row),
        amount=Money(row.amount_minor, row.currency),
        method=PaymentMethod(row.method),
        received_on=row.received_on,
        recorded_at=row.recorded_at,
        recorded_by=_staff(row.recorded_by),
        reference=row.reference,
        memo=row.memo,
        applied=Money(row.applied_minor, row.currency),
        refunded=Money(row.refunded_minor, row.currency),
        version=row.version,
    )


class SqlPaymentRepository(_Keyed):
    table = t.payments
    what = "payment"

    async def add_if_new(self, payment: Payment) -> bool:
        assert payment.applied is not None and payment.refunded is not None
        self.events += payment.events.pull()
        return await self._insert_if_new(
            {
                "id": payment.id,
                "key": payment.key,
                "payer_kind": payment.payer.kind.value,
                "payer_id": payment.payer.id,
                "amount_minor": payment.amount.amount_minor,
                "currency": payment.amount.currency,
                "method": payment.method.value,
                "received_on": payment.received_on,
                "recorded_at": payment.recorded_at,
                "recorded_by": payment.recorded_by,
                "reference": payment.reference,
                "memo": payment.memo,
                "applied_minor": payment.applied.amount_minor,
                "refunded_minor": payment.refunded.amount_minor,
                "version": payment.version,
            }
        )

    async def get(self, payment_id: UUID) -> Payment | None:
        rows = await self._select(self.table.c.id == payment_id)
        return _payment(rows[0]) if rows else None

    async def update(self, payment: Payment) -> None:
        assert payment.applied is not None and payment.refunded is not None
        self.events += payment.events.pull()
        await self._update(
            payment,
            {
                "applied_minor": payment.applied.amount_minor,
                "refunded_minor": payment.refunded.amount_minor,
            },
        )

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[Payment]:
        c = self.table.c
        where = [c.payer_kind == payer.kind.value, c.payer_id == payer.id]
        if start is not None:
            where.append(c.received_on >= start)
        if end is not None:
            where.append(c.received_on <= end)
        rows = await self._select(*where, order=(c.received_on, c.recorded_at, c.id))
        return [_payment(r) for r in rows]

    async def payers_with_credit(self) -> set[PayerRef]:
        c = self.table.c
        rows = await self._conn.execute(
            sa.select(c.payer_kind, c.payer_id)
            .where(c.applied_minor + c.refunded_minor < c.amount_minor)
            .distinct()
        )
        return {_payer(r) for r in rows}

    async def with_credit(self, payer: PayerRef) -> list[Payment]:
        c = self.table.c
        rows = await self._select(
            c.payer_kind == payer.kind.value,
            c.payer_id == payer.id,
            c.applied_minor + c.refunded_minor < c.amount_minor,
            order=(c.received_on, c.recorded_at, c.id),
        )
        return [_payment(r) for r in rows]


def _card_values(card: CardOnFile) -> dict[str, Any]:
    return {
        "customer_id": card.customer_id,
        "method_id": card.method_id,
        "brand": card.brand,
        "last4": card.last4,
        "consent_at": card.consent_at,
        "consent_text": card.consent_text,
        "consented_by": card.consented_by,
        "autopay": card.autopay,
        "declines": card.declines,
        "paused_at": card.paused_at,
    }


class SqlCardOnFileRepository(_Keyed):
    table = t.cards_on_file
    what = "card on file"

    async def get(self, payer_id: UUID) -> CardOnFile | None:
        rows = await self._select(self.table.c.id == payer_id)
        if not rows:
            return None
        r = rows[0]
        return CardOnFile(
            id=r.id,
            payer=_payer(r),
            customer_id=r.customer_id,
            method_id=r.method_id,
            brand=r.brand,
            last4=r.last4,
            consent_at=r.consent_at,
            consent_text=r.consent_text,
            consented_by=_staff(r.consented_by),
            autopay=r.autopay,
            declines=r.declines,
            paused_at=r.paused_at,
            version=r.version,
        )

    async def on_autopay(self) -> set[UUID]:
        c = self.table.c
        rows = await self._conn.execute(
            sa.select(c.id).where(c.autopay, c.method_id != "", c.paused_at.is_(None))
        )
        return {r.id for r in rows}

    async def add(self, card: CardOnFile) -> None:
        self.events += card.events.pull()
        await self._conn.execute(
            sa.insert(self.table).values(
                id=card.id,
                payer_kind=card.payer.kind.value,
                payer_id=card.payer.id,
                version=card.version,
                **_card_values(card),
            )
        )

    async def update(self, card: CardOnFile) -> None:
        self.events += card.events.pull()
        await self._update(card, _card_values(card))


class SqlProcessorEventRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def record(self, event_id: str, type: str, at: datetime) -> bool:
        insert = postgresql.insert if self._conn.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(t.processor_events)
            .values(event_id=event_id, type=type, received_at=at)
            .on_conflict_do_nothing()
        )
        return (await self._conn.execute(statement)).rowcount == 1
