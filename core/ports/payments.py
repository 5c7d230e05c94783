"""What payments need from the world: a payment processor (`PaymentGateway`) and a store.

Card numbers never pass through Hearth (PCI SAQ A): a card is saved by the processor's own
client-side flow (`start_card_setup` gives the page a client secret for the processor's
JavaScript), and Hearth keeps only the processor's ids, the brand and the last four digits.

A charge is one call under our key (also the processor's idempotency key, and kept in the
charge's metadata). Hearth stores the attempt with that key before calling, so a crash between
the processor's answer and our commit leaves an attempt that reconciliation resolves with
`find_charge(key)`: found, it is recorded; not found (after a safety delay), it never happened.
Nothing here relies on the processor honouring the idempotency key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

import msgspec

from core.domain.billing.payments import CardAttempt, CardOnFile, Payment
from core.domain.cases.responsibilities import PayerRef
from core.ports.shared import Transaction


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    PENDING = "pending"  # the processor has not decided yet (bank debits, 3-D Secure)


class CardSetup(msgspec.Struct, frozen=True, kw_only=True):
    """What the save-card page hands to the processor's JavaScript."""

    setup_id: str
    client_secret: str


class SavedMethod(msgspec.Struct, frozen=True, kw_only=True):
    """A payment method saved at the processor: all that Hearth ever learns of a card."""

    method_id: str
    brand: str
    last4: str


class ChargeRequest(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # ours: also the processor's idempotency key and kept in its metadata
    amount_minor: int
    currency: str
    customer_id: str
    method_id: str
    off_session: bool = True
    description: str = ""


class Charge(msgspec.Struct, frozen=True, kw_only=True):
    reference: str  # the processor's id (a Stripe PaymentIntent)
    key: str
    amount_minor: int
    currency: str
    status: ChargeStatus
    decline_code: str = ""
    decline_message: str = ""
    refunded_minor: int = 0


class Refund(msgspec.Struct, frozen=True, kw_only=True):
    reference: str
    charge_reference: str
    amount_minor: int


class GatewayEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A verified webhook call: the processor's event id (the idempotency of recording it), its
    type, and the charge it is about when it is about one."""

    event_id: str
    type: str
    charge: Charge | None = None
    received_at: datetime | None = None


class GatewayUnavailable(Exception):
    """The processor could not be reached or refused the request for a reason that is not the
    card's (bad keys, an outage): nothing is known to have been charged."""


class InvalidWebhook(Exception):
    """A webhook call whose signature does not verify."""


class PaymentGateway(Protocol):
    async def create_customer(self, *, reference: str, email: str | None = None) -> str:
        """A customer at the processor for one payer; `reference` is our payer id (metadata)."""
        ...

    async def start_card_setup(self, customer_id: str) -> CardSetup: ...

    async def attach_method(self, customer_id: str, method_id: str) -> SavedMethod:
        """Attach a method made by the processor's client-side flow (or, in tests, its API)."""
        ...

    async def saved_methods(self, customer_id: str) -> Sequence[SavedMethod]: ...

    async def charge(self, request: ChargeRequest) -> Charge:
        """Take the money: SUCCEEDED, DECLINED (a card's answer, not an exception) or PENDING."""
        ...

    async def get_charge(self, reference: str) -> Charge | None: ...

    async def find_charge(self, key: str) -> Charge | None:
        """The charge made under our key, looked up by its metadata (reconciliation)."""
        ...

    async def refund(self, reference: str, amount_minor: int | None, *, key: str) -> Refund:
        """Give back part (`amount_minor`) or all (None) of a succeeded charge."""
        ...

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        """Verify the signature over the raw body and read the event; `InvalidWebhook` if not."""
        ...


# The store: attempts, payments, cards on file, processor events. Same contract as the other
# repositories (see `unit_of_work`); rows keyed by a key are refused a second time.


class CardAttemptRepository(Protocol):
    async def add_if_new(self, attempt: CardAttempt) -> bool:
        """Store it unless an attempt with its key exists (committed, or being committed by a
        concurrent writer, which this waits for): False then. A duplicate found only at commit
        raises `DuplicateKey` from `commit`."""
        ...

    async def get_by_key(self, key: str) -> CardAttempt | None: ...

    async def update(self, attempt: CardAttempt) -> None:
        """`ConcurrencyConflict` when another writer finished it meanwhile."""
        ...

    async def unfinished(self, started_before: datetime, limit: int = 100) -> list[CardAttempt]:
        """Attempts still STARTED that began before the instant, oldest first: reconciliation."""
        ...

    async def declined(self, limit: int = 50) -> list[CardAttempt]:
        """Declined attempts, newest first: the "Needs attention" list."""
        ...

    async def for_payer(self, payer: PayerRef, limit: int = 20) -> list[CardAttempt]: ...


class PaymentRepository(Protocol):
    async def add_if_new(self, payment: Payment) -> bool:
        """Store it unless a payment with its key exists: False then (see CardAttemptRepository)."""
        ...

    async def get(self, payment_id: UUID) -> Payment | None: ...

    async def update(self, payment: Payment) -> None:
        """`ConcurrencyConflict` on a stale version (two staff applying one payment)."""
        ...

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[Payment]:
        """The payer's payments received in [start, end], oldest first."""
        ...

    async def with_credit(self, payer: PayerRef) -> list[Payment]:
        """The payer's payments with something left unapplied, oldest first."""
        ...

    async def payers_with_credit(self) -> set[PayerRef]:
        """Every payer with something unapplied (one query: what an issue run checks first)."""
        ...


class CardOnFileRepository(Protocol):
    async def get(self, payer_id: UUID) -> CardOnFile | None: ...
    async def on_autopay(self) -> set[UUID]:
        """The payers whose autopay is on and not paused (one query)."""
        ...

    async def add(self, card: CardOnFile) -> None: ...
    async def update(self, card: CardOnFile) -> None: ...


class ProcessorEventRepository(Protocol):
    async def record(self, event_id: str, type: str, at: datetime) -> bool:
        """Note a processor event; False when it was noted before (the same event twice)."""
        ...


class PaymentsStore(Transaction, Protocol):
    @property
    def card_attempts(self) -> CardAttemptRepository: ...
    @property
    def payments(self) -> PaymentRepository: ...
    @property
    def cards_on_file(self) -> CardOnFileRepository: ...
    @property
    def processor_events(self) -> ProcessorEventRepository: ...
