"""Saved cards and autopay.

A card is saved by the processor's own page or JavaScript (`start_card_setup` gives it a client
secret; the card number goes from the payer's browser to the processor, never to Hearth), then
`save_card` attaches the method the processor made and records the payer's consent with the
exact text they agreed to. When an invoice to a payer with autopay on is issued, the payer's
credit is applied first, then what is still open is charged after the issue commits, under the
key `autopay:<invoice>:<attempt>`; three declines in a row pause autopay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import InvoiceIssued
from core.domain.billing.payments import CardOnFile, autopay_key
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.errors import InvalidInput
from core.ports.payments import CardSetup, PaymentGateway
from core.services.billing.payment_posting import PostingStore, apply_credit
from core.services.billing.payments import ChargeCard, PaymentDeps, charge_card
from core.services.shared.bus import Handler, HandlerContext, commit
from core.services.shared.use_case import Command

CONSENT_TEXT = (
    "I authorise the practice to keep this card on file with its payment processor and to "
    "charge it for invoices issued to me, when each is issued, until I withdraw this consent."
)


class SaveCard(Command, frozen=True, kw_only=True):
    payer: PayerRef
    method_id: str  # made by the processor's client-side flow
    consent_text: str
    consented: bool


class SetAutopay(Command, frozen=True, kw_only=True):
    payer: PayerRef
    on: bool
    version: int


async def _card_for(deps: PaymentDeps, uow: Any, payer: PayerRef) -> CardOnFile:
    card: CardOnFile | None = await uow.cards_on_file.get(payer.id)
    if card is None:
        customer_id = await deps.gateway.create_customer(reference=str(payer.id))
        card = CardOnFile(id=payer.id, payer=payer, customer_id=customer_id)
        await uow.cards_on_file.add(card)
        await commit(deps, uow)
        card = await uow.cards_on_file.get(payer.id)
        assert card is not None
    return card


async def start_card_setup(deps: PaymentDeps, actor: Actor, payer: PayerRef) -> CardSetup:
    """What the save-card page gives the processor's JavaScript (a customer is made once)."""
    require_billing(actor)
    async with deps.uow() as uow:
        card = await _card_for(deps, uow, payer)
    return await deps.gateway.start_card_setup(card.customer_id)


async def save_card(deps: PaymentDeps, actor: Actor, command: SaveCard) -> str:
    """Attach the processor's payment method and record consent; "Visa ending 4242"."""
    staff = require_billing(actor)
    if not command.consented:
        raise InvalidInput("The payer's consent is needed to save a card.", field="consent")
    async with deps.uow() as uow:
        card = await _card_for(deps, uow, command.payer)
    saved = await deps.gateway.attach_method(card.customer_id, command.method_id)
    async with deps.uow() as uow:
        card = await _card_for(deps, uow, command.payer)
        card.save_card(
            method_id=saved.method_id,
            brand=saved.brand,
            last4=saved.last4,
            consent_text=command.consent_text,
            at=deps.clock.now(),
            by=staff.id,
        )
        await uow.cards_on_file.update(card)
        await commit(deps, uow, staff)
    return f"{saved.brand.title()} ending {saved.last4}"


async def set_autopay(deps: PaymentDeps, actor: Actor, command: SetAutopay) -> None:
    staff = require_billing(actor)
    async with deps.uow() as uow:
        card = await uow.cards_on_file.get(command.payer.id)
        if card is None:
            raise InvalidInput("Save a card before turning autopay on.", field="autopay")
        card.version = command.version
        card.set_autopay(command.on)
        await uow.cards_on_file.update(card)
        await commit(deps, uow, staff)


@dataclass(slots=True)
class _Payers:
    """Who has credit and who is on autopay, read once per unit of work: the monthly run issues
    thousands of invoices in one, and asks two questions in all, not two per invoice."""

    with_credit: set[PayerRef]
    on_autopay: set[UUID]


_ASKED: WeakKeyDictionary[object, _Payers] = WeakKeyDictionary()


async def _payers(uow: PostingStore) -> _Payers:
    found = _ASKED.get(uow)
    if found is None:
        found = _Payers(
            with_credit=await uow.payments.payers_with_credit(),
            on_autopay=await uow.cards_on_file.on_autopay(),
        )
        _ASKED[uow] = found
    return found


async def apply_credit_on_issue(event: InvoiceIssued, ctx: HandlerContext) -> None:
    """The bus handler for `InvoiceIssued`: the payer's credit (overpayments) onto it at once."""
    uow: PostingStore = ctx.uow
    if event.payer not in (await _payers(uow)).with_credit:
        return
    await apply_credit(uow, await uow.payments.with_credit(event.payer), ctx.deps.clock.now())


def autopay_on_issue(gateway: PaymentGateway) -> Handler:
    """The bus handler for `InvoiceIssued` (after `apply_credit_on_issue`): with autopay on, a
    charge of what is still open, once the issue has committed (a processor call never runs
    inside a transaction that could still roll back)."""

    async def handle(event: InvoiceIssued, ctx: HandlerContext) -> None:
        uow: PostingStore = ctx.uow
        if event.payer.id not in (await _payers(uow)).on_autopay:
            return
        card = await uow.cards_on_file.get(event.payer.id)
        if card is None or not card.autopay_active:
            return
        allocated = await uow.invoices.allocated([event.invoice_id])
        paid = allocated[event.invoice_id].amount_minor if event.invoice_id in allocated else 0
        left = event.total.amount_minor - paid
        if left <= 0:
            return
        deps = PaymentDeps.of(ctx.deps, gateway)
        command = ChargeCard(
            token=autopay_key(event.invoice_id, 1),
            payer=event.payer,
            amount_minor=left,
            invoice_ids=(event.invoice_id,),
        )

        async def charge() -> None:
            await charge_card(deps, None, command, autopay=True)

        ctx.after_commit.append(charge)

    return handle
