"""What payments build on, on every store: a payment entry applied to the payer's invoices
oldest first (or as chosen), invoices paid once covered, the rest a credit applied to the next
invoice; balances read from the ledger."""

from __future__ import annotations

from uuid import UUID

from core.domain.billing.invoices import InvoiceStatus
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.shared.values import Money
from core.ports import UnitOfWorkFactory
from core.services.billing import allocation
from tests.support.billing_practice import ATTENDED, BillingClinic, person
from tests.support.scheduling_practice import at


async def _pay(clinic: BillingClinic, payer, minor: int, n: int) -> list:
    payment = LedgerEntry(
        id=UUID(int=70_000 + n),
        payer=payer,
        kind=EntryKind.PAYMENT,
        amount=Money(-minor, "USD"),
        occurred_on=clinic.clock.today(),
        recorded_at=clinic.clock.now(),
        cause=Cause(CauseKind.PAYMENT, UUID(int=80_000 + n)),
    )
    async with clinic.deps.uow() as u:
        await u.ledger.append([payment])
        made, left = await allocation.allocate_payment(
            u, payment, new_id=clinic.deps.ids.new, at=clinic.clock.now()
        )
        u.collect_events()
        await u.commit()
    return [made, left]


async def test_a_payment_goes_to_the_oldest_invoices_and_the_rest_is_credit(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    sam = await clinic.person("Sam Chen")
    case = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    invoices = []
    for month in (1, 2, 3):
        (session,) = (await clinic.book(lee, case, at(month, 10, 10))).appointment_ids
        clinic.now(at(month, 10, 11))
        await clinic.mark(lee, session, sam=ATTENDED)
        if month < 3:
            clinic.now(at(month + 1, 1, 9))
            invoices += await clinic.run_month(f"2026-{month:02d}")
    january, february = invoices

    made, left = await _pay(clinic, person(sam), 25000, 1)
    assert [(a.invoice_id, a.amount.amount_minor) for a in made] == [
        (january, 15000),
        (february, 10000),
    ]
    assert left == Money(0, "USD")
    assert (await clinic.invoice(january)).status is InvoiceStatus.PAID
    assert (await clinic.invoice(february)).status is InvoiceStatus.ISSUED
    made, left = await _pay(clinic, person(sam), 10000, 2)  # 50.00 more than is owed
    assert [(a.invoice_id, a.amount.amount_minor) for a in made] == [(february, 5000)]
    assert left == Money(5000, "USD")
    async with clinic.deps.uow() as u:
        assert await u.ledger.payer_balance(person(sam), "USD") == Money(15000 - 5000, "USD")
        assert await allocation.unallocated_credit(u, person(sam), "USD") == [
            (UUID(int=70_002), Money(5000, "USD"))
        ]

    # March's invoice takes the credit.
    clinic.now(at(4, 1, 9))
    (march,) = await clinic.run_month("2026-03")
    async with clinic.deps.uow() as u:
        made = await allocation.apply_credit(
            u, person(sam), "USD", new_id=clinic.deps.ids.new, at=clinic.clock.now()
        )
        u.collect_events()
        await u.commit()
    assert [(a.invoice_id, a.amount.amount_minor) for a in made] == [(march, 5000)]
    async with clinic.deps.uow() as u:
        assert await u.invoices.open_for_payer(person(sam)) == [(march, Money(10000, "USD"))]
        assert await allocation.unallocated_credit(u, person(sam), "USD") == []


async def test_a_refund_takes_the_credit_first_then_reopens_the_newest_invoice(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await BillingClinic(uow).setup()
    _lee, sam, _case, january = await clinic.january_invoice()
    await _pay(clinic, person(sam), 20000, 1)  # 150.00 owed: 50.00 credit
    async with clinic.deps.uow() as u:
        back = await allocation.unallocate(
            u,
            UUID(int=70_001),
            Money(8000, "USD"),
            new_id=clinic.deps.ids.new,
            at=clinic.clock.now(),
        )
        u.collect_events()
        await u.commit()
    # 50.00 of the 80.00 was credit; 30.00 comes off January, which is open again.
    assert [(a.invoice_id, a.amount.amount_minor) for a in back] == [(january, -3000)]
    assert (await clinic.invoice(january)).status is InvoiceStatus.ISSUED
    async with clinic.deps.uow() as u:
        assert await u.invoices.open_for_payer(person(sam)) == [(january, Money(3000, "USD"))]
