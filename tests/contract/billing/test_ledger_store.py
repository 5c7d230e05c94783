"""The billing store's own guarantees on every adapter: the ledger only grows (an entry is
reversed once), a charge is on one live invoice at most (voiding frees it), balances and the
unbilled list follow the entries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from core.domain.billing.invoices import Invoice, InvoiceLine
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.values import Money, PersonId
from core.ports import UnitOfWorkFactory

AT = datetime(2026, 2, 1, 9, tzinfo=UTC)
PAYER = PayerRef.person(PersonId(UUID(int=900)))


def charge(n: int, amount: int = 10000, day: int = 5) -> LedgerEntry:
    return LedgerEntry(
        id=UUID(int=n),
        payer=PAYER,
        kind=EntryKind.CHARGE,
        amount=Money(amount, "USD"),
        occurred_on=date(2026, 1, day),
        recorded_at=AT,
        cause=Cause(CauseKind.ATTENDANCE, UUID(int=1000 + n)),
    )


def invoice(n: int, entries: list[LedgerEntry]) -> Invoice:
    inv = Invoice(
        id=UUID(int=5000 + n),
        payer=PAYER,
        currency="USD",
        created_at=AT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
    )
    inv.add_lines(InvoiceLine(e.id, e.occurred_on, "Session", e.amount) for e in entries)
    return inv


async def test_an_entry_is_reversed_once_and_balances_follow(uow: UnitOfWorkFactory) -> None:
    first, second = charge(1), charge(2, 5000)
    async with uow() as u:
        await u.ledger.append([first, second])
        await u.commit()
    async with uow() as u:
        await u.ledger.append([first.reversal(id=UUID(int=3), at=AT)])
        await u.commit()
    with pytest.raises(InvariantViolation):
        async with uow() as u:
            await u.ledger.append([first.reversal(id=UUID(int=4), at=AT)])
            await u.commit()
    async with uow() as u:
        assert await u.ledger.payer_balance(PAYER, "USD") == Money(5000, "USD")
        # A statement's opening balance: what occurred before a day (the reversal on the day
        # of what it reverses).
        assert await u.ledger.payer_balance(PAYER, "USD", before=date(2026, 1, 5)) == Money(
            0, "USD"
        )
        assert await u.ledger.payer_balance(PAYER, "USD", before=date(2026, 1, 6)) == Money(
            5000, "USD"
        )
        # The charge and its reversal cancel out: only the second is left to bill.
        assert [e.id for e in await u.ledger.unbilled(date(2026, 1, 1), date(2026, 1, 31))] == [
            second.id
        ]
        unbilled = await u.ledger.unbilled_charges(date(2026, 1, 1), date(2026, 1, 31), PAYER)
        assert [c.entry_id for c in unbilled] == [second.id]
        assert [e.id for e in await u.ledger.for_payer(PAYER)] == [first.id, second.id, UUID(int=3)]


def test_the_domain_refuses_wrong_signs_and_zero() -> None:
    with pytest.raises(InvalidInput):
        charge(1, -100)
    with pytest.raises(InvalidInput):
        charge(1, 0)


async def test_a_charge_is_on_one_live_invoice_at_most(uow: UnitOfWorkFactory) -> None:
    entry = charge(1)
    async with uow() as u:
        await u.ledger.append([entry])
        await u.invoices.add(invoice(1, [entry]))
        u.collect_events()
        await u.commit()
    with pytest.raises(InvariantViolation):
        async with uow() as u:
            await u.invoices.add(invoice(2, [entry]))
            await u.commit()
    async with uow() as u:
        first = await u.invoices.get(UUID(int=5001))
        assert first is not None
        first.void("Billed by mistake", AT)
        await u.invoices.update(first)
        await u.invoices.add(invoice(2, [entry]))  # voiding frees the charge
        u.collect_events()
        await u.commit()
    async with uow() as u:
        assert await u.ledger.unbilled(date(2026, 1, 1), date(2026, 1, 31)) == []


async def test_unbilled_payers_come_a_page_by_name_with_totals_and_their_charges_alone(
    uow: UnitOfWorkFactory,
) -> None:
    """The unbilled screen pages its payers from the totals and reads the charges of a page's
    payers only."""
    other = PayerRef.person(PersonId(UUID(int=901)))
    billed, left = charge(11, 4000, day=6), charge(12, 2500, day=7)
    theirs = LedgerEntry(
        id=UUID(int=13),
        payer=other,
        kind=EntryKind.CHARGE,
        amount=Money(7000, "USD"),
        occurred_on=date(2026, 1, 8),
        recorded_at=AT,
        cause=Cause(CauseKind.ATTENDANCE, UUID(int=1013)),
    )
    gone = charge(14, 900, day=9)
    async with uow() as u:
        await u.ledger.append([billed, left, theirs, gone])
        await u.invoices.add(invoice(3, [billed]))
        u.collect_events()
        await u.commit()
    async with uow() as u:
        await u.ledger.append([gone.reversal(id=UUID(int=15), at=AT)])
        await u.commit()
    january = (date(2026, 1, 1), date(2026, 1, 31))
    async with uow() as u:
        # Billed: not counted; an entry and its reversal: nothing. By folded name, then id
        # (neither payer is a stored person here: both names are empty, so by id).
        found = await u.ledger.unbilled_payers(*january, offset=0, limit=10)
        assert found.rows == [(PAYER, 2500), (other, 7000)]
        assert (found.count, found.total_minor) == (2, 9500)
        second = await u.ledger.unbilled_payers(*january, offset=1, limit=1)
        assert second.rows == [(other, 7000)] and second.count == 2
        february = await u.ledger.unbilled_payers(
            date(2026, 2, 1), date(2026, 2, 28), offset=0, limit=10
        )
        assert (february.rows, february.count, february.total_minor) == ([], 0, 0)
        mine = await u.ledger.unbilled_charges(*january, among=[PAYER])
        assert [c.entry_id for c in mine] == [left.id]
        both = await u.ledger.unbilled_charges(*january, among=[PAYER, other])
        assert {c.entry_id for c in both} == {left.id, theirs.id}
        assert await u.ledger.unbilled_charges(*january, among=[]) == []


async def test_an_invoice_line_has_its_charges_date(uow: UnitOfWorkFactory) -> None:
    """A line copies its entry's date, and every store holds it to that (the SQL stores by a
    trigger, migration 0022): the unbilled list looks for the lines of its period only."""
    entry = charge(21, day=12)
    async with uow() as u:
        await u.ledger.append([entry])
        await u.commit()
    wrong = Invoice(
        id=UUID(int=5021),
        payer=PAYER,
        currency="USD",
        created_at=AT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
    )
    wrong.add_lines([InvoiceLine(entry.id, date(2026, 1, 13), "Session", entry.amount)])
    with pytest.raises(InvariantViolation):
        async with uow() as u:
            await u.invoices.add(wrong)
            await u.commit()
    async with uow() as u:
        assert [e.id for e in await u.ledger.unbilled(date(2026, 1, 1), date(2026, 1, 31))] == [
            entry.id
        ]
        await u.invoices.add(invoice(21, [entry]))  # its own date: billed
        u.collect_events()
        await u.commit()
    async with uow() as u:
        assert await u.ledger.unbilled(date(2026, 1, 1), date(2026, 1, 31)) == []
