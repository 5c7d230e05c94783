"""Invoices: a payer's charges gathered into a document.

A draft collects unbilled charge entries (per session, or per period) and may change; issuing
gives it the next number of the practice's unbroken sequence (handed in by the store, which
takes it in the issuing transaction) and freezes its lines. An issued invoice is never edited:
it is voided with a reason, and its charges become unbilled again for a new invoice (which
names the one it replaces). It is paid once payments allocated to it cover its total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.events import DomainEvent, EventLog
from core.domain.shared.values import CaseId, Money, PersonId, StaffId, clean_text

NUMBER_PREFIX = "INV-"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One charge entry as the invoice shows it: the session's date, the service's name and code,
    who it was for (a group's or a sponsor's invoice lists each member), and the amount. No
    clinical detail beyond that."""

    entry_id: UUID
    occurred_on: date
    description: str  # the service's name
    amount: Money
    code: str | None = None
    participant_id: PersonId | None = None
    participant_name: str = ""
    case_id: CaseId | None = None
    appointment_id: UUID | None = None


def show_number(number: int) -> str:
    return f"{NUMBER_PREFIX}{number:06d}"


@dataclass(slots=True)
class Invoice:
    id: UUID
    payer: PayerRef
    currency: str
    created_at: datetime
    period_start: date
    period_end: date  # included
    lines: list[InvoiceLine] = field(default_factory=list)
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: int | None = None
    issued_on: date | None = None
    issued_at: datetime | None = None
    due_on: date | None = None
    voided_at: datetime | None = None
    void_reason: str = ""
    replaces: UUID | None = None  # the voided invoice this one reissues
    paid_at: datetime | None = None
    created_by: StaffId | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.status = InvoiceStatus(self.status)
        if self.period_end < self.period_start:
            raise InvalidInput("The period ends before it starts.", field="period_end")

    @property
    def total(self) -> Money:
        # Every line is in the invoice's currency (`add_lines` sees to it).
        return Money(sum(line.amount.amount_minor for line in self.lines), self.currency)

    @property
    def display_number(self) -> str:
        return show_number(self.number) if self.number is not None else "draft"

    @property
    def entry_ids(self) -> set[UUID]:
        return {line.entry_id for line in self.lines}

    def _require(self, status: InvoiceStatus, doing: str) -> None:
        if self.status is not status:
            raise InvariantViolation(
                f"This invoice is {self.status.label}; only a {status.label} one can be {doing}.",
                field="status",
            )

    def add_lines(self, lines: Iterable[InvoiceLine]) -> None:
        self._require(InvoiceStatus.DRAFT, "changed")
        known = self.entry_ids
        for line in lines:
            if line.amount.currency != self.currency:
                raise InvalidInput("Amounts in different currencies cannot be mixed.")
            if line.entry_id not in known:
                self.lines.append(line)
                known.add(line.entry_id)
        self.lines.sort(key=lambda li: (li.occurred_on, li.participant_name, str(li.entry_id)))

    def remove_line(self, entry_id: UUID) -> None:
        self._require(InvoiceStatus.DRAFT, "changed")
        self.lines = [li for li in self.lines if li.entry_id != entry_id]

    def issue(self, number: int, at: datetime, on: date, *, due_days: int = 30) -> None:
        """Number and freeze it. A draft without lines, or adding up to less than nothing, is
        not issued: there is nothing to ask for."""
        self._require(InvoiceStatus.DRAFT, "issued")
        if not self.lines:
            raise InvariantViolation("This invoice has no lines.", field="lines")
        if self.total.amount_minor < 0:
            raise InvariantViolation(
                "This invoice adds up to less than zero; record a credit instead.", field="lines"
            )
        self.number, self.issued_at, self.issued_on = number, at, on
        self.due_on = date.fromordinal(on.toordinal() + due_days)
        self.status = InvoiceStatus.ISSUED
        self.events.record(
            InvoiceIssued(
                invoice_id=self.id,
                payer=self.payer,
                number=number,
                total=self.total,
                case_ids=tuple(sorted({li.case_id for li in self.lines if li.case_id}, key=str)),
            )
        )

    def void(self, reason: str, at: datetime) -> None:
        if self.status is InvoiceStatus.VOID:
            raise InvariantViolation("This invoice is void already.", field="status")
        if self.status is InvoiceStatus.PAID:
            raise InvariantViolation(
                "This invoice is paid; refund or credit the payment first.", field="status"
            )
        cleaned = clean_text(reason, field="reason", limit=500)
        if not cleaned:
            raise InvalidInput("Say why the invoice is voided.", field="reason")
        was_draft = self.status is InvoiceStatus.DRAFT
        self.status, self.voided_at, self.void_reason = InvoiceStatus.VOID, at, cleaned
        if not was_draft:
            self.events.record(InvoiceVoided(invoice_id=self.id, payer=self.payer, reason=cleaned))

    def settle(self, allocated: Money, at: datetime) -> None:
        """Paid once what was allocated to it covers its total (called by payments after an
        allocation)."""
        if (
            self.status is InvoiceStatus.ISSUED
            and allocated.amount_minor >= self.total.amount_minor
        ):
            self.status, self.paid_at = InvoiceStatus.PAID, at
            self.events.record(InvoicePaid(invoice_id=self.id, payer=self.payer))

    def unsettle(self) -> None:
        """Back to issued when an allocation to it was reversed (a refund)."""
        if self.status is InvoiceStatus.PAID:
            self.status, self.paid_at = InvoiceStatus.ISSUED, None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a payment (or of a credit) applied to one issued invoice. A reversed allocation
    is a new one with the opposite amount."""

    id: UUID
    payment_entry_id: UUID
    invoice_id: UUID
    amount: Money
    at: datetime


def allocate_oldest_first(
    amount: Money, open_invoices: Iterable[tuple[UUID, Money]]
) -> tuple[list[tuple[UUID, Money]], Money]:
    """Share `amount` over `(invoice id, amount still open)` in the order given (oldest first,
    or the ones the payer chose): what goes to each, and what is left over (the payer's credit)."""
    left = amount.amount_minor
    parts: list[tuple[UUID, Money]] = []
    for invoice_id, still_open in open_invoices:
        if left <= 0:
            break
        take = min(left, still_open.amount_minor)
        if take > 0:
            parts.append((invoice_id, Money(take, amount.currency)))
            left -= take
    return parts, Money(left, amount.currency)


@dataclass(frozen=True, kw_only=True)
class InvoiceEvent(DomainEvent):
    audited = (AuditAction.CHANGE, "invoice", "invoice_id")
    invoice_id: UUID
    payer: PayerRef


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(InvoiceEvent):
    audited = (AuditAction.CREATE, "invoice", "invoice_id")
    number: int
    total: Money
    case_ids: tuple[CaseId, ...] = ()


@dataclass(frozen=True, kw_only=True)
class InvoiceVoided(InvoiceEvent):
    reason: str


@dataclass(frozen=True, kw_only=True)
class InvoicePaid(InvoiceEvent):
    pass
