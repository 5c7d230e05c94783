"""Payments on every store: DOMAIN.md scenarios 1 (Sam pays) and 10 (the Okafor split, the mother
double-clicks and is charged once), overpayment into credit onto the next invoice, refunds into
the ledger, autopay and its pause after three declines, and the processor's webhook."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from core.domain.billing.invoices import InvoiceStatus
from core.domain.billing.ledger import EntryKind
from core.domain.billing.payments import AttemptState, PaymentMethod
from core.domain.shared.errors import Forbidden, InvalidInput
from core.domain.shared.values import Money
from core.ports import UnitOfWorkFactory
from core.ports.payments import ChargeStatus
from core.services.billing import payment_cards as cards
from core.services.billing import payment_refunds as refunds
from core.services.billing import payment_views as views
from core.services.billing import payments as p
from core.services.billing.payments import ChargeCard, RecordPayment
from tests.support.billing_practice import person
from tests.support.payments_practice import PaymentsClinic
from tests.support.scheduling_practice import at

JAN = (date(2026, 1, 1), date(2026, 1, 31))


async def balance(clinic: PaymentsClinic, payer) -> int:
    async with clinic.deps.uow() as uow:
        return (await uow.ledger.payer_balance(payer, "USD")).amount_minor


async def test_scenario_1_sam_pays_by_cheque_once_and_his_overpayment_is_credit(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, couple = await clinic.couple_sam_pays()
    invoice = await clinic.issue(person(sam), *JAN)
    assert invoice.total == Money(17000, "USD")
    cheque = RecordPayment(
        token="form-1",
        payer=person(sam),
        amount_minor=20000,
        method=PaymentMethod.CHEQUE,
        received_on=date(2026, 1, 7),
        reference="1042",
    )
    first = await p.record_payment(clinic.pay, clinic.owner, cheque)
    again = await p.record_payment(clinic.pay, clinic.owner, cheque)  # the form sent twice
    assert first == again
    assert (await clinic.invoice(invoice.id)).status is InvoiceStatus.PAID
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert [r.amount_minor for r in account.payments] == [20000]
    assert account.credit_minor == 3000 and account.balance_minor == -3000

    # The next session's invoice takes the credit when it is issued.
    await clinic.held(couple, 2)
    february = await clinic.issue(person(sam), date(2026, 2, 1), date(2026, 2, 28))
    async with clinic.deps.uow() as u:
        assert (await u.invoices.allocated([february.id]))[february.id] == Money(3000, "USD")
    assert (await clinic.invoice(february.id)).status is InvoiceStatus.ISSUED
    assert await balance(clinic, person(sam)) == 14000


async def test_a_cheque_needs_its_number_and_a_clinician_records_nothing(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    bad = RecordPayment(
        token="form-2",
        payer=person(sam),
        amount_minor=17000,
        method=PaymentMethod.CHEQUE,
        received_on=date(2026, 1, 7),
    )
    with pytest.raises(InvalidInput) as refused:
        await p.record_payment(clinic.pay, clinic.owner, bad)
    assert refused.value.field == "reference"
    lee = await clinic.staff("Dr. Lee Two")
    with pytest.raises(Forbidden):
        await p.record_payment(clinic.pay, lee, bad)
    with pytest.raises(Forbidden):
        await views.payer_account(clinic.pay, lee, person(sam))


async def test_scenario_10_the_mother_double_clicks_and_is_charged_once(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    father, mother = await clinic.okafor_split()
    father_invoice = await clinic.issue(person(father), *JAN)
    mother_invoice = await clinic.issue(person(mother), *JAN)
    assert (father_invoice.total.amount_minor, mother_invoice.total.amount_minor) == (10800, 7200)
    assert await clinic.save_card(person(mother)) == "Visa ending 4242"

    click = ChargeCard(token="pay-form-7", payer=person(mother), amount_minor=7200)
    outcomes = await asyncio.gather(
        *(p.charge_card(clinic.pay, clinic.owner, click) for _ in range(2))
    )
    assert len(clinic.gateway.charged()) == 1
    assert sorted(o.repeated for o in outcomes) == [False, True]
    assert (await clinic.invoice(mother_invoice.id)).status is InvoiceStatus.PAID
    assert (await clinic.invoice(father_invoice.id)).status is InvoiceStatus.ISSUED
    assert await balance(clinic, person(mother)) == 0
    assert await balance(clinic, person(father)) == 10800
    # A third click later, another tab: still one charge, one payment.
    later = await p.charge_card(clinic.pay, clinic.owner, click)
    assert later.repeated and later.state is AttemptState.SUCCEEDED
    assert len(clinic.gateway.charged()) == 1
    account = await views.payer_account(clinic.pay, clinic.owner, person(mother))
    assert len(account.payments) == 1 and account.card == "Visa ending 4242"


async def test_ten_parallel_payments_with_one_key_make_one_charge(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    await clinic.issue(person(sam), *JAN)
    await clinic.save_card(person(sam))
    click = ChargeCard(token="one-key", payer=person(sam), amount_minor=17000)
    outcomes = await asyncio.gather(
        *(p.charge_card(clinic.pay, clinic.owner, click) for _ in range(10)),
        return_exceptions=True,
    )
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert len(clinic.gateway.charged()) == 1
    assert [c for c in clinic.gateway.calls if c[0] == "charge"] == [("charge", "card:one-key")]
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert len(account.payments) == 1 and account.balance_minor == 0


async def test_a_refund_in_part_goes_back_through_the_processor_and_into_the_ledger(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    invoice = await clinic.issue(person(sam), *JAN)
    await clinic.save_card(person(sam))
    done = await p.charge_card(
        clinic.pay, clinic.owner, ChargeCard(token="t1", payer=person(sam), amount_minor=17000)
    )
    assert done.payment_id is not None
    refunded = await refunds.refund_payment(
        clinic.pay,
        clinic.owner,
        refunds.RefundPayment(payment_id=done.payment_id, version=1, amount_minor=5000),
    )
    assert refunded == Money(5000, "USD")
    (charge,) = clinic.gateway.charged()
    assert clinic.gateway.charges[charge.reference].refunded_minor == 5000
    assert await balance(clinic, person(sam)) == 5000  # owes what was given back
    assert (await clinic.invoice(invoice.id)).status is InvoiceStatus.ISSUED
    async with clinic.deps.uow() as u:
        entries = await u.ledger.for_payer(person(sam))
    assert [e.kind for e in entries].count(EntryKind.REFUND) == 1


async def test_autopay_charges_an_issued_invoice_and_pauses_after_three_declines(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, couple = await clinic.couple_sam_pays()
    await clinic.save_card(person(sam), "pm_card_chargeCustomerFail")
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    await cards.set_autopay(
        clinic.pay,
        clinic.owner,
        cards.SetAutopay(payer=person(sam), on=True, version=account.card_version),
    )
    invoice = await clinic.issue(person(sam), *JAN)
    declined = await views.declined_card_payments(clinic.pay, clinic.owner)
    assert [(d.payer_name, d.amount_minor, d.autopay) for d in declined] == [
        ("Sam Chen", 17000, True)
    ]
    assert (await clinic.invoice(invoice.id)).status is InvoiceStatus.ISSUED
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.declines == 1 and account.autopay and not account.autopay_paused
    # Two more invoices declined: autopay pauses, and a fourth invoice is not tried.
    for month in (2, 3, 4):
        await clinic.held(couple, month)
        await clinic.issue(person(sam), date(2026, month, 1), date(2026, month, 28))
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.declines == 3 and account.autopay_paused
    assert len([c for c in clinic.gateway.calls if c[0] == "charge"]) == 3
    assert len(await views.declined_card_payments(clinic.pay, clinic.owner)) == 3


async def test_the_webhook_finishes_a_charge_once_and_the_same_event_twice_changes_nothing(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    await clinic.issue(person(sam), *JAN)
    await clinic.save_card(person(sam))
    # The request dies after the processor's answer: the attempt stays STARTED.
    clinic.gateway.unavailable = False
    click = ChargeCard(token="lost", payer=person(sam), amount_minor=17000)
    charged_then_lost = clinic.gateway.charge
    answers = []

    async def charge_and_lose(request):
        answers.append(await charged_then_lost(request))
        from core.ports.payments import GatewayUnavailable

        raise GatewayUnavailable("timed out")

    clinic.gateway.charge = charge_and_lose  # type: ignore[method-assign]
    outcome = await p.charge_card(clinic.pay, clinic.owner, click)
    assert outcome.state is AttemptState.STARTED
    (charge,) = answers
    assert charge.status is ChargeStatus.SUCCEEDED
    body, signature = clinic.gateway.webhook_call("payment_intent.succeeded", charge)
    assert await refunds.handle_processor_event(clinic.pay, body, signature)
    assert not await refunds.handle_processor_event(clinic.pay, body, signature)
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert len(account.payments) == 1 and account.balance_minor == 0
    assert account.attempts[0].state is AttemptState.SUCCEEDED
    # Reconciliation later finds nothing left to do.
    clinic.now(at(1, 8, 12))
    assert await p.reconcile(clinic.pay) == 0


async def test_a_statement_shows_only_its_payer_and_no_clinical_detail(
    uow: UnitOfWorkFactory,
) -> None:
    from core.services.billing import statements

    clinic = await PaymentsClinic(uow).setup()
    father, _mother = await clinic.okafor_split()
    await clinic.issue(person(father), *JAN)
    await p.record_payment(
        clinic.pay,
        clinic.owner,
        RecordPayment(
            token="transfer-1",
            payer=person(father),
            amount_minor=5000,
            method=PaymentMethod.BANK_TRANSFER,
            received_on=date(2026, 1, 8),
            reference="TRF-77",
        ),
    )
    s = await statements.statement(clinic.pay, clinic.owner, person(father), *JAN)
    assert (s.opening, s.charges, s.payments, s.closing) == ("0.00", "108.00", "50.00", "58.00")
    assert [(line.kind, line.amount) for line in s.lines] == [
        ("Charge", "108.00"),
        ("Payment", "-50.00"),
    ]
    text = repr(s)
    for never in ("Ada", "Chidi", "72.00", "Okafor family"):
        assert never not in text.replace("Emeka Okafor", "")
    february = await statements.statement(
        clinic.pay, clinic.owner, person(father), date(2026, 2, 1), date(2026, 2, 28)
    )
    assert (february.opening, february.closing, february.lines) == ("58.00", "58.00", [])


async def test_voiding_a_partly_paid_invoice_gives_its_payment_to_the_reissued_one(
    uow: UnitOfWorkFactory,
) -> None:
    """Money applied to an invoice that is voided is not lost with it: it is the payer's
    credit again, and the invoice reissued in its place takes it (owing only the rest)."""
    from core.services.billing import invoicing

    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    invoice = await clinic.issue(person(sam), *JAN)
    cash = RecordPayment(
        token="form-void",
        payer=person(sam),
        amount_minor=5000,
        method=PaymentMethod.CASH,
        received_on=date(2026, 1, 7),
    )
    await p.record_payment(clinic.pay, clinic.owner, cash)
    current = await clinic.invoice(invoice.id)
    again = await invoicing.void_invoice(
        clinic.deps,
        clinic.owner,
        invoicing.VoidInvoice(
            invoice_id=invoice.id, version=current.version, reason="Wrong address", reissue=True
        ),
    )
    assert again is not None
    async with clinic.deps.uow() as u:
        assert await u.invoices.open_for_payer(person(sam)) == [(again, Money(12000, "USD"))]
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.credit_minor == 0 and account.balance_minor == 12000

    # Voided without a reissue, the payment is credit (for the next invoice).
    current = await clinic.invoice(again)
    await invoicing.void_invoice(
        clinic.deps,
        clinic.owner,
        invoicing.VoidInvoice(invoice_id=again, version=current.version, reason="Sent twice"),
    )
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.credit_minor == 5000
    async with clinic.deps.uow() as u:
        assert await u.invoices.open_for_payer(person(sam)) == []


async def test_money_for_a_payer_who_does_not_exist_is_refused(uow: UnitOfWorkFactory) -> None:
    """A payer id that names nobody (a mistyped or stale link) has no account, and money
    recorded for it would be a payment of nobody's: both are 'no such payer'."""
    from uuid import UUID

    from core.domain.cases.responsibilities import PayerKind, PayerRef
    from core.domain.shared.errors import NotFound

    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    nobody = PayerRef(PayerKind.PERSON, UUID(int=999_999))
    with pytest.raises(NotFound):
        await views.payer_account(clinic.pay, clinic.owner, nobody)
    cash = RecordPayment(
        token="form-nobody",
        payer=nobody,
        amount_minor=5000,
        method=PaymentMethod.CASH,
        received_on=date(2026, 1, 7),
    )
    with pytest.raises(NotFound):
        await p.record_payment(clinic.pay, clinic.owner, cash)
    # A person's id is not an organization's.
    with pytest.raises(NotFound):
        await views.payer_account(clinic.pay, clinic.owner, PayerRef(PayerKind.ORGANIZATION, sam))
    async with clinic.deps.uow() as u:
        assert await u.payments.for_payer(nobody) == []


async def test_a_refunds_reason_stays_off_the_payers_statement(uow: UnitOfWorkFactory) -> None:
    """Staff write why they refund (it may say what happened to the client); the payer's
    statement says 'Refund' and the figure, nothing of that text."""
    from core.services.billing import statements

    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    await clinic.issue(person(sam), *JAN)
    paid = await p.record_payment(
        clinic.pay,
        clinic.owner,
        RecordPayment(
            token="cash-refund",
            payer=person(sam),
            amount_minor=20000,
            method=PaymentMethod.CASH,
            received_on=date(2026, 1, 8),
        ),
    )
    await refunds.refund_payment(
        clinic.pay,
        clinic.owner,
        refunds.RefundPayment(
            payment_id=paid, version=1, amount_minor=3000, reason="Admitted to hospital"
        ),
    )
    s = await statements.statement(
        clinic.pay, clinic.owner, person(sam), date(2026, 1, 1), clinic.clock.today()
    )
    assert "Refund" in [line.kind for line in s.lines]
    assert "hospital" not in repr(s)


async def test_a_charge_the_processor_reports_after_reconciliation_gave_up_is_recorded(
    uow: UnitOfWorkFactory,
) -> None:
    """Reconciliation found no charge under the key (the processor's search lagged) and marked
    the attempt failed; the processor's webhook then says the card was charged. The money was
    taken: it is recorded as the payment, once, not dropped because the attempt was closed."""
    from core.ports.payments import GatewayUnavailable

    clinic = await PaymentsClinic(uow).setup()
    sam, _ = await clinic.couple_sam_pays()
    await clinic.issue(person(sam), *JAN)
    await clinic.save_card(person(sam))
    charged_then_lost = clinic.gateway.charge
    answers = []

    async def charge_and_lose(request):
        answers.append(await charged_then_lost(request))
        raise GatewayUnavailable("timed out")

    async def not_found_yet(key):
        return None

    clinic.gateway.charge = charge_and_lose  # type: ignore[method-assign]
    clinic.gateway.find_charge = not_found_yet  # type: ignore[method-assign]
    click = ChargeCard(token="late", payer=person(sam), amount_minor=17000)
    assert (await p.charge_card(clinic.pay, clinic.owner, click)).state is AttemptState.STARTED
    clinic.now(at(1, 8, 12))
    assert await p.reconcile(clinic.pay) == 1
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.attempts[0].state is AttemptState.FAILED and account.payments == []

    (charge,) = answers
    body, signature = clinic.gateway.webhook_call("payment_intent.succeeded", charge)
    assert await refunds.handle_processor_event(clinic.pay, body, signature)
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert [r.amount_minor for r in account.payments] == [17000] and account.balance_minor == 0
    assert account.attempts[0].state is AttemptState.SUCCEEDED
    again, signature = clinic.gateway.webhook_call("payment_intent.succeeded", charge)
    assert await refunds.handle_processor_event(clinic.pay, again, signature)
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert len(account.payments) == 1
