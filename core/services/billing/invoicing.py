"""Invoices: drafting a payer's unbilled charges, issuing (the next number of the unbroken
sequence, in the issuing transaction), voiding with a reason and reissuing, and the monthly run
that issues one invoice per payer for a month in a fixed number of statements.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import Allocation, Invoice, InvoiceLine
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import InvalidInput, InvariantViolation, NotFound
from core.domain.shared.values import CaseId, Money, PersonId
from core.ports import UnitOfWork
from core.ports.billing import UnbilledCharge
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps

DUE_DAYS = 30
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


class DraftInvoice(Command, frozen=True, kw_only=True):
    """A payer's unbilled charges of [start, end], or of one session (`appointment_id`)."""

    payer_kind: PayerKind
    payer_id: UUID
    start: date
    end: date
    appointment_id: UUID | None = None


class IssueInvoice(Command, frozen=True, kw_only=True):
    invoice_id: UUID
    version: int


class VoidInvoice(Command, frozen=True, kw_only=True):
    invoice_id: UUID
    version: int
    reason: str
    reissue: bool = False  # draft and issue a new invoice of the same charges at once


def month_of(text: str) -> tuple[date, date]:
    """ "2026-11" as its first and last day. ASCII digits only (int() reads others too), and a
    year before 9999 (its December has no next month to count back from)."""
    found = _MONTH.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError(text)
        first = date(int(found.group(1)), int(found.group(2)), 1)
        if first.year >= 9999:
            raise ValueError(text)
    except ValueError:
        raise InvalidInput("A month is written 2026-11.", field="month") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def line_of(c: UnbilledCharge) -> InvoiceLine:
    """The invoice line of an unbilled charge: the service's name (with "late cancellation" or
    "no-show"), its code, who it was for; a reversal says it corrects."""
    description = c.service_name or c.kind.label.capitalize()
    if c.memo:
        description = f"{description} ({c.memo})"
    if c.reverses is not None:
        description = f"Correction: {description}"
    return InvoiceLine(
        entry_id=c.entry_id,
        occurred_on=c.occurred_on,
        description=description[:200],
        amount=Money(c.amount_minor, c.currency),
        code=c.code,
        participant_id=PersonId(c.participant_id) if c.participant_id else None,
        participant_name=c.participant_name or "",
        case_id=CaseId(c.case_id) if c.case_id else None,
        appointment_id=c.cause_id if c.case_id is not None else None,
    )


async def _currency(uow: UnitOfWork) -> str:
    practice = await uow.practice.get()
    return practice.currency if practice is not None else "USD"


async def draft_invoice(deps: Deps, actor: Actor, cmd: DraftInvoice) -> UUID:
    staff = require_billing(actor)
    if cmd.end < cmd.start:
        raise InvalidInput("The period ends before it starts.", field="end")
    payer = PayerRef(cmd.payer_kind, cmd.payer_id)
    async with deps.uow() as uow:
        entries = await uow.ledger.unbilled_charges(cmd.start, cmd.end, payer)
        if cmd.appointment_id is not None:
            entries = [e for e in entries if e.cause_id == cmd.appointment_id]
        if not entries:
            raise InvariantViolation("This payer has no unbilled charges in that period.")
        invoice = Invoice(
            id=deps.ids.new(),
            payer=payer,
            currency=await _currency(uow),
            created_at=deps.clock.now(),
            created_by=staff.id,
            period_start=cmd.start,
            period_end=cmd.end,
        )
        invoice.add_lines(line_of(e) for e in entries)
        await uow.invoices.add(invoice)
        await commit(deps, uow, actor)
    return invoice.id


async def _load(uow: UnitOfWork, invoice_id: UUID, version: int) -> Invoice:
    invoice = await uow.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound("No such invoice.")
    invoice.version = version
    return invoice


async def _issue_in(deps: Deps, uow: UnitOfWork, invoice: Invoice) -> None:
    (number,) = await uow.invoices.next_numbers(1)
    invoice.issue(number, deps.clock.now(), deps.clock.today(), due_days=DUE_DAYS)


async def issue_invoice(deps: Deps, actor: Actor, cmd: IssueInvoice) -> int:
    """Issue a draft; its number. A second click on the same draft finds it issued and is
    refused: one number per invoice."""
    require_billing(actor)
    async with deps.uow() as uow:
        invoice = await _load(uow, cmd.invoice_id, cmd.version)
        await _issue_in(deps, uow, invoice)
        await uow.invoices.update(invoice)
        await commit(deps, uow, actor)
    assert invoice.number is not None
    return invoice.number


async def void_invoice(deps: Deps, actor: Actor, cmd: VoidInvoice) -> UUID | None:
    """Void an invoice (its charges become unbilled again); with `reissue`, issue a new one of
    the same charges that names the one it replaces. The new invoice's id, if any."""
    staff = require_billing(actor)
    async with deps.uow() as uow:
        invoice = await _load(uow, cmd.invoice_id, cmd.version)
        invoice.void(cmd.reason, deps.clock.now())
        await uow.invoices.update(invoice)
        await _release_allocations(deps, uow, invoice)
        new_id = None
        if cmd.reissue and invoice.number is not None:
            again = Invoice(
                id=deps.ids.new(),
                payer=invoice.payer,
                currency=invoice.currency,
                created_at=deps.clock.now(),
                created_by=staff.id,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                replaces=invoice.id,
            )
            again.add_lines(invoice.lines)  # the same charges, as they were frozen
            await _issue_in(deps, uow, again)
            await uow.invoices.add(again)
            new_id = again.id
        await commit(deps, uow, actor)
    return new_id


async def _release_allocations(deps: Deps, uow: UnitOfWork, invoice: Invoice) -> None:
    """What was applied to a voided invoice is taken back (opposite allocations, never an
    edit): it is the payer's credit again, which the reissued invoice (on issue) or their next
    one takes. Otherwise a partly paid invoice's payments stayed on it, lost to the payer."""
    net: dict[UUID, int] = defaultdict(int)
    for a in await uow.invoices.allocations_to(invoice.id):
        net[a.payment_entry_id] += a.amount.amount_minor
    for entry_id, minor in net.items():
        if minor <= 0:
            continue
        back = Money(minor, invoice.currency)
        await uow.invoices.add_allocation(
            Allocation(
                deps.ids.new(),
                entry_id,
                invoice.id,
                Money(-minor, invoice.currency),
                deps.clock.now(),
            )
        )
        payment = await uow.payments.get(entry_id)
        if payment is not None:  # a payment's unapplied rest is its credit; a credit entry's
            payment.unapply(back)  # rest is read from the allocations alone
            await uow.payments.update(payment)


class MonthlyRun(Command, frozen=True, kw_only=True):
    month: str  # "2026-11"


async def run_month(deps: Deps, actor: Actor, cmd: MonthlyRun) -> list[UUID]:
    """One invoice per payer with unbilled charges in the month (an organization's lists every
    member's sessions), issued with consecutive numbers. Payers who already have a live
    invoice for that month are left alone, so a second run issues nothing new. A fixed number
    of statements whatever the number of payers: live invoices of the month, the unbilled
    charges with their names, the practice, the counter, then the inserts."""
    staff = require_billing(actor)
    start, end = month_of(cmd.month)
    async with deps.uow() as uow:
        done = await uow.invoices.periods_issued(start, end)
        by_payer: dict[PayerRef, list[UnbilledCharge]] = defaultdict(list)
        for c in await uow.ledger.unbilled_charges(start, end):
            if c.payer not in done:
                by_payer[c.payer].append(c)
        if not by_payer:
            return []
        currency = await _currency(uow)
        now, today = deps.clock.now(), deps.clock.today()
        invoices = []
        for payer, charges in by_payer.items():
            invoice = Invoice(
                id=deps.ids.new(),
                payer=payer,
                currency=currency,
                created_at=now,
                created_by=staff.id,
                period_start=start,
                period_end=end,
            )
            invoice.add_lines(line_of(c) for c in charges)
            if invoice.total.amount_minor > 0:
                invoices.append(invoice)
        numbers = await uow.invoices.next_numbers(len(invoices)) if invoices else []
        for invoice, number in zip(invoices, numbers, strict=True):
            invoice.issue(number, now, today, due_days=DUE_DAYS)
        await uow.invoices.add_many(invoices)
        await commit(deps, uow, actor)
    return [i.id for i in invoices]
