"""Payments: money received from a payer, and the attempts to take it by card.

No double payment rests on one rule: a payment's identity is derived from its key (the one-time
token of the form that recorded it, or `invoice + attempt number` for autopay), and so is a card
attempt's. A second submission of the same form, a retried request, a second tab, all carry the
same key, so the store refuses the second attempt and the second payment as duplicates. A card
attempt is stored (STARTED) and committed before the processor is called; its outcome is
recorded after, and an attempt left STARTED by a crash is resolved by reconciliation, which asks
the processor for the charge made under its key.

What Hearth keeps of a card is the processor's ids, the brand and the last four digits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.events import DomainEvent, EventLog
from core.domain.shared.values import Money, StaffId, clean_text

# Ids derived from keys: the same key is the same row, whichever process or tab writes it.
_KEYS = uuid.UUID("6f1c1f0e-4c0a-4a8e-9d3e-2b8f64c6a0d1")

AUTOPAY_PAUSE_AFTER = 3  # declines in a row


class DuplicateKey(InvariantViolation):
    """A second attempt or payment under a key already used: the same submission again."""

    code = "duplicate_key"


def id_for_key(kind: str, key: str) -> UUID:
    return uuid.uuid5(_KEYS, f"{kind}:{key}")


def autopay_key(invoice_id: UUID, attempt_no: int) -> str:
    return f"autopay:{invoice_id}:{attempt_no}"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"

    @property
    def label(self) -> str:
        return {"bank_transfer": "bank transfer"}.get(self.value, self.value)

    @property
    def by_staff(self) -> bool:
        """Recorded by staff (money already received), not taken through the processor."""
        return self is not PaymentMethod.CARD


class AttemptState(StrEnum):
    STARTED = "started"  # stored before the processor was called; outcome not yet recorded
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    FAILED = "failed"  # the processor could not be reached: nothing was charged


@dataclass(slots=True)
class CardAttempt:
    """One try to take money from a saved card. `id` is derived from `key`."""

    id: UUID
    key: str
    payer: PayerRef
    amount: Money
    started_at: datetime
    invoice_ids: tuple[UUID, ...] = ()  # chosen invoices; empty: oldest open first
    autopay: bool = False
    started_by: StaffId | None = None
    state: AttemptState = AttemptState.STARTED
    finished_at: datetime | None = None
    charge_reference: str = ""
    decline_code: str = ""
    decline_message: str = ""
    payment_id: UUID | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @classmethod
    def start(
        cls,
        *,
        key: str,
        payer: PayerRef,
        amount: Money,
        at: datetime,
        invoice_ids: tuple[UUID, ...] = (),
        autopay: bool = False,
        by: StaffId | None = None,
    ) -> CardAttempt:
        key = key.strip()
        if not key or len(key) > 200:
            raise InvalidInput("This form has expired; open it again.", field="token")
        if amount.amount_minor <= 0:
            raise InvalidInput("Enter an amount above zero.", field="amount")
        return cls(
            id=id_for_key("attempt", key),
            key=key,
            payer=payer,
            amount=amount,
            started_at=at,
            invoice_ids=invoice_ids,
            autopay=autopay,
            started_by=by,
        )

    @property
    def finished(self) -> bool:
        return self.state is not AttemptState.STARTED

    def awaits(self, succeeded: bool) -> bool:
        """Whether an outcome from the processor still changes this attempt: a started one
        takes any; a failed one (reconciliation found no charge, maybe too early) still
        takes a success, since the money was taken after all."""
        return not self.finished or (succeeded and self.state is AttemptState.FAILED)

    def succeed(self, reference: str, payment_id: UUID, at: datetime) -> None:
        self._finish(AttemptState.SUCCEEDED, at)
        self.charge_reference, self.payment_id = reference, payment_id

    def decline(self, reference: str, code: str, message: str, at: datetime) -> None:
        self._finish(AttemptState.DECLINED, at)
        self.charge_reference = reference
        self.decline_code, self.decline_message = code[:100], message[:300]
        self.events.record(CardDeclined(attempt_id=self.id, payer=self.payer, autopay=self.autopay))

    def fail(self, at: datetime) -> None:
        self._finish(AttemptState.FAILED, at)

    def _finish(self, state: AttemptState, at: datetime) -> None:
        if self.finished and not (
            state is AttemptState.SUCCEEDED and self.state is AttemptState.FAILED
        ):
            raise InvariantViolation(f"This card payment is {self.state.value} already.")
        self.state, self.finished_at = state, at


@dataclass(slots=True)
class Payment:
    """Money received: by staff (cash, cheque, bank transfer) or through the processor (card).
    `id` is derived from `key`. What is not yet applied to invoices is the payer's credit."""

    id: UUID
    key: str
    payer: PayerRef
    amount: Money
    method: PaymentMethod
    received_on: date
    recorded_at: datetime
    recorded_by: StaffId | None = None
    reference: str = ""  # cheque number, transfer reference, the processor's charge id
    memo: str = ""
    applied: Money | None = None
    refunded: Money | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @classmethod
    def record(
        cls,
        *,
        key: str,
        payer: PayerRef,
        amount: Money,
        method: PaymentMethod,
        received_on: date,
        at: datetime,
        by: StaffId | None = None,
        reference: str = "",
        memo: str = "",
    ) -> Payment:
        key = key.strip()
        if not key or len(key) > 200:
            raise InvalidInput("This form has expired; open it again.", field="token")
        if amount.amount_minor <= 0:
            raise InvalidInput("Enter an amount above zero.", field="amount")
        if received_on > at.date().fromordinal(at.date().toordinal() + 1):
            raise InvalidInput("A payment is not received in the future.", field="received_on")
        reference = clean_text(reference, field="reference", limit=100)
        if method is PaymentMethod.CHEQUE and not reference:
            raise InvalidInput("Enter the cheque number.", field="reference")
        payment = cls(
            id=id_for_key("payment", key),
            key=key,
            payer=payer,
            amount=amount,
            method=method,
            received_on=received_on,
            recorded_at=at,
            recorded_by=by,
            reference=reference,
            memo=clean_text(memo, field="memo", limit=500),
        )
        payment.events.record(
            PaymentReceived(payment_id=payment.id, payer=payer, amount=amount, method=method)
        )
        return payment

    def __post_init__(self) -> None:
        self.method = PaymentMethod(self.method)
        zero = Money(0, self.amount.currency)
        self.applied = self.applied or zero
        self.refunded = self.refunded or zero

    @property
    def unapplied(self) -> Money:
        assert self.applied is not None and self.refunded is not None
        return Money(
            self.amount.amount_minor - self.applied.amount_minor - self.refunded.amount_minor,
            self.amount.currency,
        )

    @property
    def refundable(self) -> Money:
        assert self.refunded is not None
        return Money(self.amount.amount_minor - self.refunded.amount_minor, self.amount.currency)

    def apply(self, amount: Money) -> None:
        """Use part of it for an invoice. Two staff applying one payment at once: the second
        is refused by the store (the version), so it is never applied twice."""
        assert self.applied is not None
        if amount.amount_minor <= 0:
            raise InvalidInput("Enter an amount above zero.", field="amount")
        if amount.amount_minor > self.unapplied.amount_minor:
            raise InvariantViolation("This payment has no more left to apply.", field="amount")
        self.applied = self.applied + amount

    def unapply(self, amount: Money) -> None:
        assert self.applied is not None
        self.applied = Money(self.applied.amount_minor - amount.amount_minor, amount.currency)

    def refund(self, amount: Money) -> None:
        """Give back part or all of it (what is applied to invoices is unapplied first by the
        use case, newest invoice first)."""
        assert self.refunded is not None
        if amount.amount_minor <= 0:
            raise InvalidInput("Enter an amount above zero.", field="amount")
        if amount.amount_minor > self.refundable.amount_minor:
            raise InvariantViolation(
                "The refund is more than what is left of this payment.", field="amount"
            )
        self.refunded = self.refunded + amount
        self.events.record(PaymentRefunded(payment_id=self.id, payer=self.payer, amount=amount))


@dataclass(slots=True)
class CardOnFile:
    """A payer's account at the processor and the card saved there, with their consent to be
    charged (date and the exact text they agreed to) and the autopay switch."""

    id: UUID  # the payer's id (one per payer)
    payer: PayerRef
    customer_id: str
    method_id: str = ""
    brand: str = ""
    last4: str = ""
    consent_at: datetime | None = None
    consent_text: str = ""
    consented_by: StaffId | None = None  # staff who recorded it; None: the payer in the portal
    autopay: bool = False
    declines: int = 0  # in a row
    paused_at: datetime | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @property
    def has_card(self) -> bool:
        return bool(self.method_id)

    @property
    def autopay_active(self) -> bool:
        return self.autopay and self.has_card and self.paused_at is None

    def save_card(
        self,
        *,
        method_id: str,
        brand: str,
        last4: str,
        consent_text: str,
        at: datetime,
        by: StaffId | None,
    ) -> None:
        consent = clean_text(consent_text, field="consent", limit=2000)
        if not consent:
            raise InvalidInput("The payer's consent is needed to save a card.", field="consent")
        if not (len(last4) == 4 and last4.isascii() and last4.isdigit()):
            raise InvalidInput("The processor did not give the card's last four digits.")
        self.method_id, self.brand, self.last4 = method_id, brand[:30], last4
        self.consent_at, self.consent_text, self.consented_by = at, consent, by
        self.declines, self.paused_at = 0, None

    def remove_card(self) -> None:
        self.method_id = self.brand = self.last4 = ""
        self.autopay = False

    def set_autopay(self, on: bool) -> None:
        if on and not self.has_card:
            raise InvalidInput("Save a card before turning autopay on.", field="autopay")
        self.autopay = on
        if on:
            self.declines, self.paused_at = 0, None

    def charged(self) -> None:
        self.declines = 0

    def declined(self, at: datetime) -> None:
        self.declines += 1
        if self.autopay and self.paused_at is None and self.declines >= AUTOPAY_PAUSE_AFTER:
            self.paused_at = at
            self.events.record(AutopayPaused(payer=self.payer, declines=self.declines))


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(DomainEvent):
    audited = (AuditAction.CHANGE, "payment", "payment_id")
    payment_id: UUID
    payer: PayerRef


@dataclass(frozen=True, kw_only=True)
class PaymentReceived(PaymentEvent):
    audited = (AuditAction.CREATE, "payment", "payment_id")
    amount: Money
    method: PaymentMethod


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(PaymentEvent):
    amount: Money


@dataclass(frozen=True, kw_only=True)
class CardDeclined(DomainEvent):
    audited = (AuditAction.CHANGE, "card_attempt", "attempt_id")
    attempt_id: UUID
    payer: PayerRef
    autopay: bool


@dataclass(frozen=True, kw_only=True)
class AutopayPaused(DomainEvent):
    payer: PayerRef
    declines: int
