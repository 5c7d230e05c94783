"""A payment into the ledger and onto invoices, inside the unit of work that records it.

The payment is one ledger entry (its id is the payment's), then applied to the invoices the
payer chose or else their oldest open ones; what is left stays unapplied on the payment: the
payer's credit, applied to their next issued invoice (`apply_credit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from core.domain.billing.invoices import Allocation, allocate_oldest_first
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.billing.payments import Payment, id_for_key
from core.domain.shared.values import Money
from core.ports.billing import BillingStore
from core.ports.payments import PaymentsStore


class PostingStore(BillingStore, PaymentsStore, Protocol):
    """What posting needs: billing's ledger and invoices, and the payments store."""


async def post_payment(
    uow: PostingStore, payment: Payment, at: datetime, chosen: Sequence[UUID] = ()
) -> None:
    await uow.ledger.append(
        [
            LedgerEntry(
                id=payment.id,
                payer=payment.payer,
                kind=EntryKind.PAYMENT,
                amount=Money(-payment.amount.amount_minor, payment.amount.currency),
                occurred_on=payment.received_on,
                recorded_at=at,
                cause=Cause(CauseKind.PAYMENT, payment.id),
                recorded_by=payment.recorded_by,
                memo=payment.method.label,
            )
        ]
    )
    await apply_payment(uow, payment, at, chosen)


async def apply_payment(
    uow: PostingStore, payment: Payment, at: datetime, chosen: Sequence[UUID] = ()
) -> Money:
    """Apply what is unapplied of `payment` to open invoices (the chosen ones, in the order
    given, else oldest first); returns what was applied. The caller stores the payment."""
    still_open = await uow.invoices.open_for_payer(payment.payer)
    if chosen:
        by_id = dict(still_open)
        still_open = [(i, by_id[i]) for i in chosen if i in by_id]
    parts, _left = allocate_oldest_first(payment.unapplied, still_open)
    applied = 0
    for invoice_id, amount in parts:
        payment.apply(amount)
        applied += amount.amount_minor
        await uow.invoices.add_allocation(
            Allocation(
                id=id_for_key("allocation", f"{payment.id}:{invoice_id}:{payment.version}"),
                payment_entry_id=payment.id,
                invoice_id=invoice_id,
                amount=amount,
                at=at,
            )
        )
    if parts:
        ids = [invoice_id for invoice_id, _ in parts]
        allocated = await uow.invoices.allocated(ids)
        for invoice_id in ids:
            invoice = await uow.invoices.get(invoice_id)
            if invoice is not None and invoice_id in allocated:
                invoice.settle(allocated[invoice_id], at)
                await uow.invoices.update(invoice)
    return Money(applied, payment.amount.currency)


async def apply_credit(uow: PostingStore, credit: Sequence[Payment], at: datetime) -> None:
    """The payer's credit (payments with something unapplied, oldest first) onto their open
    invoices: what happens when a new invoice to them is issued."""
    for payment in credit:
        if (await apply_payment(uow, payment, at)).amount_minor:
            await uow.payments.update(payment)
