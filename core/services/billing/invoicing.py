"""Invoices: drafting a payer's unbilled charges, issuing (the next number of the unbroken
sequence, in the issuing transaction), voiding with a reason and reissuing, and the monthly run
that issues one invoice per payer for a month in a fixed number of statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import Invoice, InvoiceLine
from core.domain.billing.ledger import LedgerEntry
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import InvalidInput, InvariantViolation, NotFound
from core.domain.shared.values import PersonId
from core.ports import UnitOfWork
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps

DUE_DAYS = 30


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
    """ "2026-11" as its first and last day."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("A month is written 2026-11.", field="month") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


async def lines_of(uow: UnitOfWork, entries: Sequence[LedgerEntry]) -> list[InvoiceLine]:
    """Invoice lines for charge entries: service name, code, the participant's name. Two
    queries for any number of entries."""
    services = await uow.services.get_many({e.service_id for e in entries if e.service_id})
    people = await uow.people.get_many(
        {PersonId(e.participant_id) for e in entries if e.participant_id}
    )
    lines = []
    for e in entries:
        service = services.get(e.service_id) if e.service_id else None
        person = people.get(e.participant_id) if e.participant_id else None
        description = service.name if service is not None else e.kind.label.capitalize()
        if e.memo:
            description = f"{description} ({e.memo})"
        if e.is_reversal:
            description = f"Correction: {description}"
        lines.append(
            InvoiceLine(
                entry_id=e.id,
                occurred_on=e.occurred_on,
                description=description[:200],
                amount=e.amount,
                code=e.code,
                participant_id=e.participant_id,
                participant_name=person.display_name if person is not None else "",
                case_id=e.case_id,
                appointment_id=e.cause.id if e.case_id is not None else None,
            )
        )
    return lines


async def _currency(uow: UnitOfWork) -> str:
    practice = await uow.practice.get()
    return practice.currency if practice is not None else "USD"


async def draft_invoice(deps: Deps, actor: Actor, cmd: DraftInvoice) -> UUID:
    staff = require_billing(actor)
    if cmd.end < cmd.start:
        raise InvalidInput("The period ends before it starts.", field="end")
    payer = PayerRef(cmd.payer_kind, cmd.payer_id)
    async with deps.uow() as uow:
        entries = await uow.ledger.unbilled(cmd.start, cmd.end, payer)
        if cmd.appointment_id is not None:
            entries = [e for e in entries if e.cause.id == cmd.appointment_id]
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
        invoice.add_lines(await lines_of(uow, entries))
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
            entries = await uow.ledger.get_many(invoice.entry_ids)
            again.add_lines(await lines_of(uow, [entries[i] for i in sorted(entries, key=str)]))
            await _issue_in(deps, uow, again)
            await uow.invoices.add(again)
            new_id = again.id
        await commit(deps, uow, actor)
    return new_id


class MonthlyRun(Command, frozen=True, kw_only=True):
    month: str  # "2026-11"


async def run_month(deps: Deps, actor: Actor, cmd: MonthlyRun) -> list[UUID]:
    """One invoice per payer with unbilled charges in the month (an organization's lists every
    member's sessions), issued with consecutive numbers. Payers who already have a live
    invoice for that month are left alone, so a second run issues nothing new. A fixed number
    of statements whatever the number of payers: unbilled charges, live invoices of the
    month, services, people, the counter, then the inserts."""
    staff = require_billing(actor)
    start, end = month_of(cmd.month)
    async with deps.uow() as uow:
        done = await uow.invoices.periods_issued(start, end)
        by_payer: dict[PayerRef, list[LedgerEntry]] = defaultdict(list)
        for e in await uow.ledger.unbilled(start, end):
            if e.payer not in done:
                by_payer[e.payer].append(e)
        if not by_payer:
            return []
        currency = await _currency(uow)
        lines = {li.entry_id: li for li in await lines_of(uow, _flat(by_payer.values()))}
        now, today = deps.clock.now(), deps.clock.today()
        invoices = []
        for payer, entries in by_payer.items():
            invoice = Invoice(
                id=deps.ids.new(),
                payer=payer,
                currency=currency,
                created_at=now,
                created_by=staff.id,
                period_start=start,
                period_end=end,
            )
            invoice.add_lines(lines[e.id] for e in entries)
            if invoice.total.amount_minor > 0:
                invoices.append(invoice)
        numbers = await uow.invoices.next_numbers(len(invoices)) if invoices else []
        for invoice, number in zip(invoices, numbers, strict=True):
            invoice.issue(number, now, today, due_days=DUE_DAYS)
        await uow.invoices.add_many(invoices)
        await commit(deps, uow, actor)
    return [i.id for i in invoices]


def _flat(groups: Iterable[list[LedgerEntry]]) -> list[LedgerEntry]:
    return [e for g in groups for e in g]
