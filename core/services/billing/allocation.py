"""Applying money received to invoices, inside the caller's transaction (payments calls this
after writing the payment's ledger entry): oldest open invoices first unless the payer chose,
each invoice marked paid once covered, what is left over being the payer's credit (the
payment's unallocated rest, applied to a later invoice by `apply_credit`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from core.domain.billing.invoices import Allocation, allocate_oldest_first
from core.domain.billing.ledger import EntryKind, LedgerEntry
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money
from core.ports import UnitOfWork


async def allocate(
    uow: UnitOfWork,
    payer: PayerRef,
    source_entry_id: UUID,
    amount: Money,
    *,
    new_id: Callable[[], UUID],
    at: datetime,
    invoice_ids: Sequence[UUID] | None = None,
) -> tuple[list[Allocation], Money]:
    """Share `amount` (positive) from the entry `source_entry_id` over the payer's open
    invoices: the allocations made and what is left over."""
    if amount.amount_minor <= 0:
        return [], amount
    open_invoices = await uow.invoices.open_for_payer(payer)
    if invoice_ids is not None:
        chosen = {i: a for i, a in open_invoices}
        unknown = [i for i in invoice_ids if i not in chosen]
        if unknown:
            raise InvalidInput("Choose open invoices of this payer.", field="invoice_ids")
        open_invoices = [(i, chosen[i]) for i in invoice_ids]
    parts, left = allocate_oldest_first(amount, open_invoices)
    made = [Allocation(new_id(), source_entry_id, i, part, at) for i, part in parts]
    for allocation in made:
        await uow.invoices.add_allocation(allocation)
    paid = await uow.invoices.allocated([a.invoice_id for a in made])
    for allocation in made:
        invoice = await uow.invoices.get(allocation.invoice_id)
        if invoice is not None:
            invoice.settle(paid[invoice.id], at)
            await uow.invoices.update(invoice)
    return made, left


async def allocate_payment(
    uow: UnitOfWork,
    payment: LedgerEntry,
    *,
    new_id: Callable[[], UUID],
    at: datetime,
    invoice_ids: Sequence[UUID] | None = None,
) -> tuple[list[Allocation], Money]:
    """Apply a payment entry (written in this transaction) to its payer's invoices; the
    allocations and the payer's new credit from it."""
    if payment.kind is not EntryKind.PAYMENT or payment.is_reversal:
        raise InvalidInput("Only a payment is applied to invoices.")
    amount = Money(-payment.amount.amount_minor, payment.amount.currency)
    return await allocate(
        uow, payment.payer, payment.id, amount, new_id=new_id, at=at, invoice_ids=invoice_ids
    )


async def unallocated_credit(
    uow: UnitOfWork, payer: PayerRef, currency: str
) -> list[tuple[UUID, Money]]:
    """The payer's payments and credits with what of each is not applied to an invoice yet,
    oldest first."""
    entries = [
        e
        for e in await uow.ledger.for_payer(payer)
        if e.kind in (EntryKind.PAYMENT, EntryKind.CREDIT) and not e.is_reversal
    ]
    used = await uow.invoices.allocated_from(e.id for e in entries)
    rests = []
    for e in entries:
        rest = -e.amount.amount_minor - (used[e.id].amount_minor if e.id in used else 0)
        if rest > 0:
            rests.append((e.id, Money(rest, currency)))
    return rests


async def apply_credit(
    uow: UnitOfWork, payer: PayerRef, currency: str, *, new_id: Callable[[], UUID], at: datetime
) -> list[Allocation]:
    """Apply the payer's unapplied payments and credits to their open invoices (after an
    invoice is issued to them); the allocations made."""
    made: list[Allocation] = []
    for entry_id, rest in await unallocated_credit(uow, payer, currency):
        parts, _ = await allocate(uow, payer, entry_id, rest, new_id=new_id, at=at)
        made += parts
    return made


async def unallocate(
    uow: UnitOfWork,
    source_entry_id: UUID,
    amount: Money,
    *,
    new_id: Callable[[], UUID],
    at: datetime,
) -> list[Allocation]:
    """Take `amount` of a payment back from the invoices it paid, newest allocation first (a
    refund): opposite allocations, never an edit; an invoice no longer covered is issued (open)
    again. What was not allocated (the payer's credit) is taken first, so a refund of an
    overpayment leaves the invoices paid."""
    given = await uow.invoices.allocations_of(source_entry_id)
    entry = (await uow.ledger.get_many([source_entry_id])).get(source_entry_id)
    if entry is None:
        raise InvalidInput("No such payment.")
    used = sum(a.amount.amount_minor for a in given)
    left = amount.amount_minor - max(0, -entry.amount.amount_minor - used)
    by_invoice: dict[UUID, int] = {}
    for a in given:
        by_invoice[a.invoice_id] = by_invoice.get(a.invoice_id, 0) + a.amount.amount_minor
    taken: list[Allocation] = []
    for a in reversed(given):
        if left <= 0:
            break
        back = min(left, by_invoice[a.invoice_id])
        if back <= 0:
            continue
        by_invoice[a.invoice_id] -= back
        left -= back
        undo = Allocation(
            new_id(), source_entry_id, a.invoice_id, Money(-back, amount.currency), at
        )
        await uow.invoices.add_allocation(undo)
        taken.append(undo)
    for invoice_id in {a.invoice_id for a in taken}:
        invoice = await uow.invoices.get(invoice_id)
        if invoice is not None:
            invoice.unsettle()
            await uow.invoices.update(invoice)
    return taken
