"""Read models of payments: a payer's account and the declined card payments that need an
administrator ("Needs attention"). Payment details are for billing staff only
(`require_billing`); a clinician sees a case's paid / owed through billing's case figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.payments import AttemptState, PaymentMethod
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import NotFound
from core.domain.shared.values import OrganizationId, PersonId
from core.ports import UnitOfWork
from core.services.billing.payments import PaymentDeps, card_summary, practice_currency
from core.services.shared.audit import audit_record
from core.services.shared.use_case import View


class PaymentRow(View, frozen=True, kw_only=True):
    id: UUID
    received_on: str
    method: PaymentMethod
    reference: str
    amount_minor: int
    unapplied_minor: int
    refunded_minor: int
    version: int


class AttemptRow(View, frozen=True, kw_only=True):
    key: str
    started_at: datetime
    amount_minor: int
    state: AttemptState
    autopay: bool
    decline_message: str


class PayerAccount(View, frozen=True, kw_only=True):
    payer: PayerRef
    name: str
    currency: str
    balance_minor: int  # what they owe; negative: their credit
    credit_minor: int  # received and not yet applied to an invoice
    payments: list[PaymentRow]
    attempts: list[AttemptRow]
    card: str  # "Visa ending 4242", or "" without a saved card
    customer_id: str
    consent_at: datetime | None
    autopay: bool
    autopay_paused: bool
    declines: int
    card_version: int


async def payer_names(uow: UnitOfWork, payers: Iterable[PayerRef]) -> dict[PayerRef, str]:
    """Names of payers, people and organizations, in two queries whatever their number."""
    listed = set(payers)
    people = await uow.people.get_many(PersonId(p.id) for p in listed if p.kind is PayerKind.PERSON)
    orgs = await uow.organizations.get_many(
        OrganizationId(p.id) for p in listed if p.kind is PayerKind.ORGANIZATION
    )
    names = {PayerRef.person(i): person.display_name for i, person in people.items()}
    names |= {PayerRef(PayerKind.ORGANIZATION, i): org.name for i, org in orgs.items()}
    return names


async def payer_account(deps: PaymentDeps, actor: Actor, payer: PayerRef) -> PayerAccount:
    staff = require_billing(actor)
    async with deps.uow() as uow:
        name = (await payer_names(uow, [payer])).get(payer)
        if name is None:
            raise NotFound("No such payer.")
        currency = await practice_currency(uow)
        balance = await uow.ledger.payer_balance(payer, currency)
        payments = await uow.payments.for_payer(payer)
        attempts = await uow.card_attempts.for_payer(payer)
        card = await uow.cards_on_file.get(payer.id)
    await deps.audit.record(audit_record(deps, staff, AuditAction.READ, "payer_account", payer.id))
    return PayerAccount(
        payer=payer,
        name=name,
        currency=currency,
        balance_minor=balance.amount_minor,
        credit_minor=sum(p.unapplied.amount_minor for p in payments),
        payments=[
            PaymentRow(
                id=p.id,
                received_on=p.received_on.isoformat(),
                method=p.method,
                reference=p.reference,
                amount_minor=p.amount.amount_minor,
                unapplied_minor=p.unapplied.amount_minor,
                refunded_minor=p.refunded.amount_minor if p.refunded else 0,
                version=p.version,
            )
            for p in reversed(payments)
        ],
        attempts=[
            AttemptRow(
                key=a.key,
                started_at=a.started_at,
                amount_minor=a.amount.amount_minor,
                state=a.state,
                autopay=a.autopay,
                decline_message=a.decline_message,
            )
            for a in attempts
        ],
        card=card_summary(card),
        customer_id=card.customer_id if card else "",
        consent_at=card.consent_at if card else None,
        autopay=bool(card and card.autopay),
        autopay_paused=bool(card and card.paused_at),
        declines=card.declines if card else 0,
        card_version=card.version if card else 0,
    )


class DeclinedPayment(View, frozen=True, kw_only=True):
    payer: PayerRef
    payer_name: str
    at: datetime
    amount_minor: int
    autopay: bool
    message: str


async def declined_card_payments(
    deps: PaymentDeps, actor: Actor, limit: int = 50, *, audited: bool = True
) -> list[DeclinedPayment]:
    """Declined card payments, newest first (autopay's included). `audited=False` for the
    "needs attention" board only: its count runs after every page an administrator opens, and
    an entry per page would bury the log; the payer's account a row opens is audited."""
    staff = require_billing(actor)
    async with deps.uow() as uow:
        declined = await uow.card_attempts.declined(limit)
        names = await payer_names(uow, (a.payer for a in declined))
    if audited:
        await deps.audit.record(audit_record(deps, staff, AuditAction.READ, "declined_payments"))
    return [
        DeclinedPayment(
            payer=a.payer,
            payer_name=names.get(a.payer, ""),
            at=a.finished_at or a.started_at,
            amount_minor=a.amount.amount_minor,
            autopay=a.autopay,
            message=a.decline_message or "The card was declined.",
        )
        for a in declined
    ]
