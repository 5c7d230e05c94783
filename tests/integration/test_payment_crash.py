"""A process killed (SIGKILL) between Stripe's answer and Hearth's commit, on SQLite and
PostgreSQL, with the official SDK against localstripe: after reconciliation there is one charge
at the processor and one payment in Hearth, and the invoice is paid."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
import stripe

from adapters.payments.stripe_gateway import KEY_FIELD, StripeGateway
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from core.domain.billing.invoices import InvoiceStatus
from core.domain.billing.payments import AttemptState, autopay_key
from core.services.billing import payment_views as views
from core.services.billing import payments as p
from tests.support.billing_practice import person
from tests.support.localstripe_server import running_localstripe
from tests.support.payments_practice import PaymentsClinic
from tests.support.scheduling_practice import at


@pytest.fixture(scope="module")
def localstripe_server() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture
def localstripe_url(localstripe_server: str) -> str:
    """The server emptied: the tests' sequential ids give each run the same keys."""
    httpx.delete(
        f"{localstripe_server}/_config/data", auth=("sk_test_crash", "")
    ).raise_for_status()
    return localstripe_server


def _killed_after_the_answer(args: list[str]) -> str:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_payment", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 60)
        line = child.stdout.readline().decode() if ready else ""
        assert line.startswith("ANSWERED"), (line, child.stderr.read() if child.poll() else "")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    return line.split()[1]


async def test_a_crash_between_the_answer_and_the_commit_ends_in_one_charge_one_payment(
    engine, localstripe_url
) -> None:
    gateway = StripeGateway("sk_test_crash", webhook_secret="whsec_crash", api_base=localstripe_url)
    clinic = await PaymentsClinic(sql_uow_factory(engine), gateway).setup()
    sam, _ = await clinic.couple_sam_pays()
    invoice = await clinic.issue(person(sam), date(2026, 1, 1), date(2026, 1, 31))
    await clinic.save_card(person(sam))
    url = engine.url.render_as_string(hide_password=False)

    reference = _killed_after_the_answer(
        [url, localstripe_url, str(sam), str(invoice.id), str(invoice.total.amount_minor)]
    )
    key = autopay_key(invoice.id, 1)
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert account.payments == [] and account.attempts[0].state is AttemptState.STARTED

    clinic.now(at(1, 8, 12))  # a day later: the attempt is past the reconciliation delay
    assert await p.reconcile(clinic.pay) == 1
    assert await p.reconcile(clinic.pay) == 0
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert [(r.reference, r.amount_minor) for r in account.payments] == [(reference, 17000)]
    assert account.attempts[0].state is AttemptState.SUCCEEDED
    assert (await clinic.invoice(invoice.id)).status is InvoiceStatus.PAID
    client = stripe.StripeClient(
        "sk_test_crash",
        base_addresses={"api": localstripe_url},
        http_client=stripe.HTTPXClient(),
    )
    intents = await client.v1.payment_intents.list_async({"limit": 100})
    ours = [i for i in intents.data if i.metadata.to_dict().get(KEY_FIELD) == key]
    assert [(i.id, i.status) for i in ours] == [(reference, "succeeded")]


async def test_ten_parallel_payments_with_one_key_make_one_stripe_charge(
    engine, localstripe_url
) -> None:
    import asyncio

    gateway = StripeGateway("sk_test_crash", webhook_secret="whsec_crash", api_base=localstripe_url)
    clinic = await PaymentsClinic(sql_uow_factory(engine), gateway).setup()
    sam, _ = await clinic.couple_sam_pays()
    await clinic.issue(person(sam), date(2026, 1, 1), date(2026, 1, 31))
    await clinic.save_card(person(sam))
    click = p.ChargeCard(token="ten-tabs", payer=person(sam), amount_minor=17000)
    outcomes = await asyncio.gather(
        *(p.charge_card(clinic.pay, clinic.owner, click) for _ in range(10))
    )
    assert sum(not o.repeated for o in outcomes) == 1
    client = stripe.StripeClient(
        "sk_test_crash", base_addresses={"api": localstripe_url}, http_client=stripe.HTTPXClient()
    )
    intents = await client.v1.payment_intents.list_async({"limit": 100})
    ours = [i for i in intents.data if i.metadata.to_dict().get(KEY_FIELD) == "card:ten-tabs"]
    assert len(ours) == 1
    account = await views.payer_account(clinic.pay, clinic.owner, person(sam))
    assert len(account.payments) == 1 and account.balance_minor == 0
