"""A payer's statement for a period (opening balance, charges, payments, closing balance) and a
receipt for one payment: what a payer is given, as a page and as a PDF.

A statement reads only that payer's ledger entries, and says of a session only its date, the
service's name and its billing code: no participant, no other payer's share, nothing clinical.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import show_number
from core.domain.billing.ledger import EntryKind, LedgerEntry
from core.domain.billing.money import show
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import NotFound
from core.domain.shared.values import Money
from core.ports import UnitOfWork
from core.services.billing.payments import PaymentDeps, practice_currency
from core.services.billing.views.invoices import PayerView, PracticeView, payer_views
from core.services.shared.audit import audit_record
from core.services.shared.use_case import View

_WORDS = {
    EntryKind.CHARGE: "Charge",
    EntryKind.ADJUSTMENT: "Adjustment",
    EntryKind.PAYMENT: "Payment",
    EntryKind.REFUND: "Refund",
    EntryKind.CREDIT: "Credit",
    EntryKind.WRITE_OFF: "Write-off",
}


class StatementLine(View, frozen=True, kw_only=True):
    on: date
    kind: str
    description: str  # a service's name and code, or how a payment was made
    amount: str  # what it adds to the balance; negative lowers it


class Statement(View, frozen=True, kw_only=True):
    payer: PayerView
    practice: PracticeView
    start: date
    end: date
    currency: str
    opening: str
    charges: str
    payments: str  # payments, credits and write-offs, net of refunds (shown positive)
    closing: str
    lines: list[StatementLine]

    @property
    def filename(self) -> str:
        return f"statement-{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}.pdf"


async def _practice(uow: UnitOfWork) -> PracticeView:
    practice = await uow.practice.get()
    return PracticeView(
        name=practice.name if practice else "",
        address=practice.address if practice else "",
        phone=practice.phone if practice else None,
        tax_id=practice.tax_id if practice else "",
    )


async def _payer(uow: UnitOfWork, payer: PayerRef) -> PayerView:
    found = (await payer_views(uow, {payer})).get(payer)
    if found is None:
        raise NotFound("No such payer.")
    return found


async def statement(
    deps: PaymentDeps, actor: Actor, payer: PayerRef, start: date, end: date
) -> Statement:
    staff = require_billing(actor)
    async with deps.uow() as uow:
        who = await _payer(uow, payer)
        currency = await practice_currency(uow)
        # The opening balance is summed by the store: a long-standing payer's history is
        # thousands of entries (a health plan's: 6,000 at the large tier), not a statement's.
        opening = (await uow.ledger.payer_balance(payer, currency, before=start)).amount_minor
        entries = await uow.ledger.for_payer(payer, start=start, end=end)
        services = await uow.services.get_many(
            {e.service_id for e in entries if e.service_id is not None}
        )
        practice = await _practice(uow)
    await deps.audit.record(audit_record(deps, staff, AuditAction.READ, "statement", payer.id))

    def described(e: LedgerEntry) -> str:
        service = services.get(e.service_id) if e.service_id is not None else None
        if service is not None:
            return f"{service.name}{f' ({e.code})' if e.code else ''}"
        # A payment's memo is how it was paid; any other memo is staff's own words (a refund's
        # or an adjustment's reason), which may say more than a payer is to read.
        return e.memo if e.kind is EntryKind.PAYMENT else ""

    def total(kinds: set[EntryKind]) -> int:
        return sum(e.amount.amount_minor for e in entries if e.kind in kinds)

    charged = total({EntryKind.CHARGE, EntryKind.ADJUSTMENT})
    paid = -total({EntryKind.PAYMENT, EntryKind.REFUND, EntryKind.CREDIT, EntryKind.WRITE_OFF})

    def money(minor: int) -> str:
        return show(Money(minor, currency))

    return Statement(
        payer=who,
        practice=practice,
        start=start,
        end=end,
        currency=currency,
        opening=money(opening),
        charges=money(charged),
        payments=money(paid),
        closing=money(opening + charged - paid),
        lines=[
            StatementLine(
                on=e.occurred_on,
                kind=_WORDS[e.kind] + (" (correction)" if e.reverses else ""),
                description=described(e),
                amount=show(e.amount),
            )
            for e in entries
        ],
    )


class Receipt(View, frozen=True, kw_only=True):
    payer: PayerView
    practice: PracticeView
    number: str  # the payment's short reference
    received_on: date
    method: str
    reference: str
    amount: str
    refunded: str
    currency: str
    applied_to: list[tuple[str, str]]  # (invoice number, amount)
    credit: str  # left unapplied: the payer's credit

    @property
    def filename(self) -> str:
        return f"receipt-{self.number}.pdf"


async def receipt(deps: PaymentDeps, actor: Actor, payment_id: UUID) -> Receipt:
    staff = require_billing(actor)
    async with deps.uow() as uow:
        payment = await uow.payments.get(payment_id)
        if payment is None:
            raise NotFound("No such payment.")
        who = await _payer(uow, payment.payer)
        allocations = await uow.invoices.allocations_of(payment.id)
        applied: dict[UUID, int] = {}
        for a in allocations:
            applied[a.invoice_id] = applied.get(a.invoice_id, 0) + a.amount.amount_minor
        invoices = [await uow.invoices.get(i) for i in applied if applied[i]]
        practice = await _practice(uow)
    await deps.audit.record(audit_record(deps, staff, AuditAction.READ, "payment", payment.id))
    currency = payment.amount.currency
    return Receipt(
        payer=who,
        practice=practice,
        number=str(payment.id).split("-")[0].upper(),
        received_on=payment.received_on,
        method=payment.method.label.capitalize(),
        reference=payment.reference,
        amount=show(payment.amount),
        refunded=show(payment.refunded or Money(0, currency)),
        currency=currency,
        applied_to=[
            (
                show_number(i.number) if i.number is not None else "draft",
                show(Money(applied[i.id], currency)),
            )
            for i in invoices
            if i is not None
        ],
        credit=show(payment.unapplied),
    )
