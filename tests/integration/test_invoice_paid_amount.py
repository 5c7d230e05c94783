"""An invoice's `paid_minor` is its allocations' sum, kept by the database (migration 0023): after
the app's payments and refunds, after hand-written changes to the allocations, and when two
transactions allocate to one invoice at once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.shared.values import Money
from core.ports import UnitOfWorkFactory
from core.services.billing import allocation
from tests.support.billing_practice import BillingClinic

_i, _a = t.invoices, t.invoice_allocations


async def _stored(engine: AsyncEngine, invoice_id: uuid.UUID) -> tuple[int, int]:
    """(paid_minor, the allocations' sum) of one invoice, as stored."""
    async with engine.connect() as conn:
        paid = await conn.scalar(sa.select(_i.c.paid_minor).where(_i.c.id == invoice_id))
        total = await conn.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(_a.c.amount_minor), 0)).where(
                _a.c.invoice_id == invoice_id
            )
        )
    return int(paid), int(total)


def _allocation(invoice_id: uuid.UUID, minor: int) -> dict:
    return {
        "id": uuid.uuid4(),
        "payment_entry_id": uuid.uuid4(),
        "invoice_id": invoice_id,
        "amount_minor": minor,
        "currency": "USD",
        "at": datetime(2026, 2, 3, tzinfo=UTC),
    }


async def _january_invoice(uow: UnitOfWorkFactory) -> tuple[BillingClinic, uuid.UUID]:
    clinic = await BillingClinic(uow).setup()
    *_, january = await clinic.january_invoice()
    return clinic, january


async def test_the_paid_amount_follows_payments_refunds_and_hand_written_changes(
    engine: AsyncEngine, uow: UnitOfWorkFactory
):
    clinic, january = await _january_invoice(uow)
    assert await _stored(engine, january) == (0, 0)
    payment = LedgerEntry(
        id=uuid.UUID(int=70_001),
        payer=(await clinic.invoice(january)).payer,
        kind=EntryKind.PAYMENT,
        amount=Money(-10000, "USD"),
        occurred_on=clinic.clock.today(),
        recorded_at=clinic.clock.now(),
        cause=Cause(CauseKind.PAYMENT, uuid.UUID(int=80_001)),
    )
    async with clinic.deps.uow() as u:
        await u.ledger.append([payment])
        await allocation.allocate_payment(
            u, payment, new_id=clinic.deps.ids.new, at=payment.recorded_at
        )
        u.collect_events()
        await u.commit()
    assert await _stored(engine, january) == (10000, 10000)
    async with clinic.deps.uow() as u:
        await allocation.unallocate(
            u, payment.id, Money(4000, "USD"), new_id=clinic.deps.ids.new, at=payment.recorded_at
        )
        u.collect_events()
        await u.commit()
    assert await _stored(engine, january) == (6000, 6000)

    async with engine.begin() as conn:
        extra = _allocation(january, 2500)
        await conn.execute(sa.insert(_a).values(**extra))
        await conn.execute(
            sa.update(_a).where(_a.c.id == extra["id"]).values(amount_minor=_a.c.amount_minor - 500)
        )
    assert await _stored(engine, january) == (8000, 8000)
    async with engine.begin() as conn:
        await conn.execute(sa.delete(_a).where(_a.c.invoice_id == january))
    assert await _stored(engine, january) == (0, 0)


async def test_two_allocations_at_once_are_both_counted(
    adapter: str, engine: AsyncEngine, uow: UnitOfWorkFactory
):
    """The second waits for the invoice's row and adds to what the first committed."""
    _clinic, january = await _january_invoice(uow)
    async with engine.connect() as first, engine.connect() as second:
        await first.begin()
        await first.execute(sa.insert(_a).values(**_allocation(january, 3000)))
        await second.begin()
        late = asyncio.create_task(
            second.execute(sa.insert(_a).values(**_allocation(january, 2000)))
        )
        await asyncio.sleep(0.3)
        if adapter == "postgres":
            assert not late.done()  # held by the first's update of the invoice
        await first.commit()
        await late
        await second.commit()
    assert await _stored(engine, january) == (5000, 5000)
