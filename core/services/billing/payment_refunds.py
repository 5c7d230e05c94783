"""Refunds (whole or part) and the processor's webhook.

A refund of a card payment goes back through the processor, inside the transaction that records
it: the payment's versioned update comes first (on SQL it holds the row until commit, so a second
click waits and then finds the payment changed: no second call to the processor), then the
processor, then the ledger's refund entry; the processor refusing rolls everything back. What
was applied to invoices is taken back newest first when the unapplied rest does not cover it.
"""

from __future__ import annotations

from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import Allocation
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.billing.payments import DuplicateKey, PaymentMethod, id_for_key
from core.domain.cases.access import Actor
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput, NotFound
from core.domain.shared.values import Money
from core.ports.payments import ChargeStatus, GatewayUnavailable
from core.services.billing.payment_posting import PostingStore
from core.services.billing.payments import PaymentDeps, record_outcome
from core.services.shared.bus import commit
from core.services.shared.use_case import Command


class RefundPayment(Command, frozen=True, kw_only=True):
    payment_id: UUID
    version: int
    amount_minor: int | None = None  # None: all that is left
    reason: str = ""


async def refund_payment(deps: PaymentDeps, actor: Actor, command: RefundPayment) -> Money:
    staff = require_billing(actor)
    async with deps.uow() as uow:
        payment = await uow.payments.get(command.payment_id)
        if payment is None:
            raise NotFound("No such payment.")
        payment.version = command.version
        amount = (
            payment.refundable
            if command.amount_minor is None
            else Money(command.amount_minor, payment.amount.currency)
        )
        short = amount.amount_minor - payment.unapplied.amount_minor
        if short > 0:
            await _take_back(uow, payment.id, Money(short, amount.currency), deps)
            payment.unapply(Money(short, amount.currency))
        payment.refund(amount)
        await uow.payments.update(payment)
        now = deps.clock.now()
        refund_id = id_for_key("refund", f"{payment.id}:{payment.version}")
        if payment.method is PaymentMethod.CARD:
            try:
                await deps.gateway.refund(
                    payment.reference, amount.amount_minor, key=str(refund_id)
                )
            except GatewayUnavailable as error:
                raise InvalidInput(
                    f"The processor refused the refund: {error}", field="amount"
                ) from error
        await uow.ledger.append(
            [
                LedgerEntry(
                    id=refund_id,
                    payer=payment.payer,
                    kind=EntryKind.REFUND,
                    amount=amount,
                    occurred_on=deps.clock.today(),
                    recorded_at=now,
                    cause=Cause(CauseKind.REFUND, payment.id),
                    recorded_by=staff.id,
                    memo=command.reason,
                )
            ]
        )
        await commit(deps, uow, staff)
    return amount


async def _take_back(uow: PostingStore, payment_id: UUID, amount: Money, deps: PaymentDeps) -> None:
    """Reverse allocations of the payment, newest first, for `amount`."""
    allocations = await uow.invoices.allocations_of(payment_id)
    net: dict[UUID, int] = {}
    for a in allocations:
        net[a.invoice_id] = net.get(a.invoice_id, 0) + a.amount.amount_minor
    left = amount.amount_minor
    for a in sorted(allocations, key=lambda a: a.at, reverse=True):
        if left <= 0:
            break
        take = min(left, net.get(a.invoice_id, 0))
        if take <= 0:
            continue
        net[a.invoice_id] -= take
        left -= take
        await uow.invoices.add_allocation(
            Allocation(
                id=deps.ids.new(),
                payment_entry_id=payment_id,
                invoice_id=a.invoice_id,
                amount=Money(-take, amount.currency),
                at=deps.clock.now(),
            )
        )
        invoice = await uow.invoices.get(a.invoice_id)
        if invoice is not None:
            invoice.unsettle()
            await uow.invoices.update(invoice)


async def handle_processor_event(deps: PaymentDeps, payload: bytes, signature: str) -> bool:
    """A verified webhook call (`InvalidWebhook` otherwise), noted once: a charge's outcome
    finishes the attempt with its key, as if the request had got the answer (it may not
    have: a crash, a timeout). False when the event was seen before: nothing changes."""
    event = deps.gateway.parse_webhook(payload, signature)
    for _ in range(3):  # the request's own answer (or another delivery) may finish it meanwhile
        async with deps.uow() as uow:
            if not await uow.processor_events.record(event.event_id, event.type, deps.clock.now()):
                return False
            charge = event.charge
            if charge is not None and charge.key and charge.status is not ChargeStatus.PENDING:
                attempt = await uow.card_attempts.get_by_key(charge.key)
                succeeded = charge.status is ChargeStatus.SUCCEEDED
                if attempt is not None and attempt.awaits(succeeded):
                    await record_outcome(deps, uow, attempt, charge)
            try:
                await commit(deps, uow)
            except (ConcurrencyConflict, DuplicateKey):
                continue
            return True
    raise ConcurrencyConflict("This processor event")
