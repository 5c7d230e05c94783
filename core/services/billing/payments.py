"""Recording payments and taking them by card, never twice.

Staff-recorded money (cash, cheque, bank transfer) is a `Payment` whose id comes from the form's
one-time token: the same form submitted twice records one payment.

A card payment is three steps, each its own transaction:
1. the attempt is stored under its key and committed (a second request with the key stops here
   and answers with the first one's state: double click, retried request, second tab);
2. the processor is called with that key (as its idempotency key and in its metadata);
3. the outcome is recorded: the payment, posted and applied, or the decline.
A crash between 2 and 3 leaves the attempt STARTED: `reconcile` (on start and by the worker)
and the processor's webhook find the charge by the key and finish it, exactly once (the attempt
is versioned, the payment keyed).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.payments import (
    AttemptState,
    CardAttempt,
    CardOnFile,
    DuplicateKey,
    Payment,
    PaymentMethod,
)
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import Money, OrganizationId, PersonId
from core.ports import UnitOfWork
from core.ports.payments import (
    Charge,
    ChargeRequest,
    ChargeStatus,
    GatewayUnavailable,
    PaymentGateway,
    PaymentsStore,
)
from core.services.billing.payment_posting import PostingStore, post_payment
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps, View


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentDeps(Deps):
    gateway: PaymentGateway
    # An attempt still STARTED this long after it began is asked about at the processor; a
    # live request (the SDK's timeouts and retries) has given up well before.
    reconcile_after: timedelta = timedelta(minutes=10)

    @classmethod
    def of(cls, deps: Deps, gateway: PaymentGateway, **settings: Any) -> PaymentDeps:
        return cls(
            uow=deps.uow,
            clock=deps.clock,
            ids=deps.ids,
            audit=deps.audit,
            bus=deps.bus,
            gateway=gateway,
            **settings,
        )


class RecordPayment(Command, frozen=True, kw_only=True):
    token: str  # the form's one-time token: the payment's key
    payer: PayerRef
    amount_minor: int
    method: PaymentMethod
    received_on: date
    reference: str = ""
    memo: str = ""
    invoice_ids: tuple[UUID, ...] = ()  # chosen; empty: oldest open first


class ChargeCard(Command, frozen=True, kw_only=True):
    token: str
    payer: PayerRef
    amount_minor: int
    invoice_ids: tuple[UUID, ...] = ()


class CardOutcome(View, frozen=True, kw_only=True):
    state: AttemptState
    payment_id: UUID | None = None
    decline_message: str = ""
    repeated: bool = False  # this key was seen before: nothing new was charged

    @property
    def message(self) -> str:
        return {
            AttemptState.SUCCEEDED: "The card was charged.",
            AttemptState.DECLINED: f"The card was declined. {self.decline_message}".strip(),
            AttemptState.FAILED: "The card was not charged: the processor could not be reached.",
            AttemptState.STARTED: "The payment is being processed; this page will show it.",
        }[self.state]


async def practice_currency(uow: UnitOfWork) -> str:
    """The practice's one currency (its details; US dollars until set)."""
    practice = await uow.practice.get()
    return practice.currency if practice is not None else "USD"


async def require_payer(uow: UnitOfWork, payer: PayerRef) -> None:
    """A payer id that names nobody (a stale or edited link) gets no account and no money."""
    if payer.kind is PayerKind.PERSON:
        found = bool(await uow.people.get_many([PersonId(payer.id)]))
    else:
        found = bool(await uow.organizations.get_many([OrganizationId(payer.id)]))
    if not found:
        raise NotFound("No such payer.")


def _outcome(attempt: CardAttempt, repeated: bool = False) -> CardOutcome:
    return CardOutcome(
        state=attempt.state,
        payment_id=attempt.payment_id,
        decline_message=attempt.decline_message,
        repeated=repeated,
    )


async def record_payment(deps: PaymentDeps, actor: Actor, command: RecordPayment) -> UUID:
    """Money received by staff. The same token twice records it once (returns its id)."""
    staff = require_billing(actor)
    if not command.method.by_staff:
        raise InvalidInput("A card is charged through the processor.", field="method")
    now = deps.clock.now()
    async with deps.uow() as uow:
        await require_payer(uow, command.payer)
        payment = Payment.record(
            key=f"form:{command.token}",
            payer=command.payer,
            amount=Money(command.amount_minor, await practice_currency(uow)),
            method=command.method,
            received_on=command.received_on,
            at=now,
            by=staff.id,
            reference=command.reference,
            memo=command.memo,
        )
        if not await uow.payments.add_if_new(payment):
            return payment.id
        await post_payment(uow, payment, now, command.invoice_ids)
        await _store_applied(uow, payment)
        # DuplicateKey: another submission of this form committed first: one payment.
        with contextlib.suppress(DuplicateKey):
            await commit(deps, uow, staff)
    return payment.id


async def _store_applied(uow: PaymentsStore, payment: Payment) -> None:
    """The payment was stored before it was applied (its key had to be claimed first)."""
    assert payment.applied is not None
    if payment.applied.amount_minor:
        await uow.payments.update(payment)


async def charge_card(
    deps: PaymentDeps, actor: Actor | None, command: ChargeCard, *, autopay: bool = False
) -> CardOutcome:
    if autopay:
        staff = None  # the practice itself, on the payer's standing consent
    elif actor is None:
        raise Forbidden("Only staff members can do this.")
    else:
        staff = require_billing(actor)
    # Its own namespace: a card payment's key never meets a recorded payment's ("form:...").
    key = command.token if autopay else f"card:{command.token}"
    async with deps.uow() as uow:
        seen = await uow.card_attempts.get_by_key(key)
        if seen is not None:
            return _outcome(seen, repeated=True)
        card = await uow.cards_on_file.get(command.payer.id)
        if card is None or not card.has_card:
            raise InvalidInput("This payer has no saved card.", field="payer")
        attempt = CardAttempt.start(
            key=key,
            payer=command.payer,
            amount=Money(command.amount_minor, await practice_currency(uow)),
            at=deps.clock.now(),
            invoice_ids=command.invoice_ids,
            autopay=autopay,
            by=staff.id if staff is not None else None,
        )
        stored = await uow.card_attempts.add_if_new(attempt)
        if stored:
            try:
                await commit(deps, uow, actor)
            except DuplicateKey:
                stored = False
    if not stored:
        async with deps.uow() as uow:
            seen = await uow.card_attempts.get_by_key(key)
        assert seen is not None
        return _outcome(seen, repeated=True)
    try:
        charge = await deps.gateway.charge(
            ChargeRequest(
                key=key,
                amount_minor=attempt.amount.amount_minor,
                currency=attempt.amount.currency,
                customer_id=card.customer_id,
                method_id=card.method_id,
                off_session=True,
            )
        )
    except GatewayUnavailable:
        # Not known to be charged, nor known not to be (a timeout after the processor took
        # it): the attempt stays STARTED and reconciliation asks the processor by the key.
        return _outcome(attempt)
    return await finish_attempt(deps, key, charge)


async def finish_attempt(deps: PaymentDeps, key: str, charge: Charge) -> CardOutcome:
    """Record what the processor answered for the attempt with this key, once."""
    for _ in range(3):
        async with deps.uow() as uow:
            attempt = await uow.card_attempts.get_by_key(key)
            if attempt is None:
                raise InvalidInput("No payment was started with this key.")
            succeeded = charge.status is ChargeStatus.SUCCEEDED
            if not attempt.awaits(succeeded) or charge.status is ChargeStatus.PENDING:
                return _outcome(attempt, repeated=attempt.finished)
            await record_outcome(deps, uow, attempt, charge)
            try:
                await commit(deps, uow)
            except (ConcurrencyConflict, DuplicateKey):
                continue  # the webhook (or reconciliation) recorded it meanwhile: read again
            return _outcome(attempt)
    raise ConcurrencyConflict("This card payment")


async def record_outcome(
    deps: PaymentDeps, uow: PostingStore, attempt: CardAttempt, charge: Charge
) -> None:
    """In the caller's unit of work: the payment (posted and applied) or the decline, the card
    on file's count of declines, the attempt finished."""
    store = uow
    now = deps.clock.now()
    card = await store.cards_on_file.get(attempt.payer.id)
    if charge.status is ChargeStatus.SUCCEEDED:
        payment = Payment.record(
            key=attempt.key,
            payer=attempt.payer,
            amount=Money(charge.amount_minor, charge.currency.upper()),
            method=PaymentMethod.CARD,
            received_on=deps.clock.today(),
            at=now,
            by=attempt.started_by,
            reference=charge.reference,
        )
        if await store.payments.add_if_new(payment):
            await post_payment(store, payment, now, attempt.invoice_ids)
            await _store_applied(store, payment)
        attempt.succeed(charge.reference, payment.id, now)
        if card is not None:
            card.charged()
    else:
        attempt.decline(charge.reference, charge.decline_code, charge.decline_message, now)
        if card is not None and attempt.autopay:
            card.declined(now)
    await store.card_attempts.update(attempt)
    if card is not None:
        await store.cards_on_file.update(card)


async def reconcile(deps: PaymentDeps) -> int:
    """Finish the attempts a crash (or a lost answer) left STARTED, from what the processor
    knows by their keys: a charge found is recorded, a decline too; none found means none was
    made. Returns how many were finished."""
    async with deps.uow() as uow:
        left = await uow.card_attempts.unfinished(deps.clock.now() - deps.reconcile_after)
    finished = 0
    for attempt in left:
        charge = await deps.gateway.find_charge(attempt.key)
        if charge is not None:
            finished += (await finish_attempt(deps, attempt.key, charge)).state is not (
                AttemptState.STARTED
            )
            continue
        async with deps.uow() as uow:
            current = await uow.card_attempts.get_by_key(attempt.key)
            if current is None or current.finished:
                continue
            current.fail(deps.clock.now())
            await uow.card_attempts.update(current)
            try:
                await commit(deps, uow)
                finished += 1
            except ConcurrencyConflict:
                pass
    return finished


def card_summary(card: CardOnFile | None) -> str:
    if card is None or not card.has_card:
        return ""
    return f"{card.brand.title()} ending {card.last4}"
