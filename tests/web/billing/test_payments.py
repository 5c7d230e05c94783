"""The payer account over HTTP: recording a cheque once per form, saving a card with consent,
charging it once per form, the CSP widened on the save-card page only, the webhook, and who
may see any of it."""

from __future__ import annotations

import re

from dependency_injector import providers

from adapters.payments.memory import MemoryGateway
from tests.support.practice import START

TODAY = START.date().isoformat()


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, "no one-time token on the page"
    return found.group(1)


def test_the_administrator_records_a_cheque_once_however_often_the_form_is_sent(
    world, signed_in
) -> None:
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    page = pat.get(path)
    assert page.status_code == 200 and "Record a payment" in page.text
    form = {
        "token": _token(page.text),
        "method": "cheque",
        "amount": "170.00",
        "received_on": TODAY,
        "reference": "1042",
    }
    first, second = pat.post(f"{path}/payments", form), pat.post(f"{path}/payments", form)
    assert first.status_code == second.status_code == 303
    page = pat.get(path)
    assert page.text.count('<tr class="payment">') == 1 and "1042" in page.text
    assert "Credit" in page.text and "170.00" in page.text


def test_a_cheque_without_its_number_is_refused_next_to_the_field(world, signed_in) -> None:
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    form = {"token": "t-1", "method": "cheque", "amount": "170", "received_on": TODAY}
    refused = pat.post(f"{path}/payments", form)
    assert refused.status_code == 422
    assert 'id="reference-error"' in refused.text and "cheque number" in refused.text
    refused = pat.post(f"{path}/payments", {**form, "reference": "1", "amount": "abc"})
    assert refused.status_code == 422 and 'id="amount-error"' in refused.text


def test_a_clinician_sees_no_payment_details(world, signed_in) -> None:
    lee = signed_in("lee")
    path = f"/billing/payers/person/{world.people['sam']}"
    assert lee.get(path).status_code == 403
    form = {"token": "t", "method": "cash", "amount": "10", "received_on": TODAY}
    assert lee.post(f"{path}/payments", form).status_code == 403
    assert lee.get("/billing/payments/declined").status_code == 403


def test_a_card_saved_with_consent_is_charged_once_per_form(world, signed_in, container) -> None:
    gateway = container.payment_gateway()
    assert isinstance(gateway, MemoryGateway)
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    page = pat.get(f"{path}/card")
    assert (
        page.status_code == 200 and "js.stripe.com" not in page.headers["content-security-policy"]
    )
    refused = pat.post(f"{path}/card", {"payment_method": "pm_card_visa"})
    assert refused.status_code == 422 and "consent" in refused.text
    saved = pat.post(f"{path}/card", {"payment_method": "pm_card_visa", "consent": "on"})
    assert saved.status_code == 303
    page = pat.get(path)
    assert "Visa ending 4242" in page.text
    charge = {"token": _token(page.text), "amount": "50.00"}
    # A control character is the edge's refusal, before anything is charged.
    sneaky = pat.post(f"{path}/charge", {"token": charge["token"] + "\x00", "amount": "50.00"})
    assert sneaky.status_code == 422
    assert gateway.charged() == []
    assert pat.post(f"{path}/charge", charge).status_code == 200
    assert pat.post(f"{path}/charge", charge).status_code == 200
    assert len(gateway.charged()) == 1
    assert pat.get(path).text.count('<tr class="payment">') == 1


def test_the_save_card_page_alone_allows_the_processors_origins(
    world, signed_in, container
) -> None:
    container.stripe_publishable_key.override(providers.Object("pk_test_123"))
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    card_page = pat.get(f"{path}/card")
    policy = card_page.headers["content-security-policy"]
    assert "script-src 'self' https://js.stripe.com" in policy
    assert "frame-src https://js.stripe.com" in policy
    assert 'data-key="pk_test_123"' in card_page.text and "4242 4242" not in card_page.text
    assert "js.stripe.com" not in pat.get(path).headers["content-security-policy"]


def test_the_webhook_checks_the_signature_and_needs_no_session(world, browser, container) -> None:
    gateway = container.payment_gateway()
    from core.ports.payments import Charge, ChargeStatus

    charge = Charge(
        reference="pi_x",
        key="unknown",
        amount_minor=100,
        currency="usd",
        status=ChargeStatus.SUCCEEDED,
    )
    body, signature = gateway.webhook_call("payment_intent.succeeded", charge)
    sent = browser.client.post(
        "/payments/webhook", content=body, headers={"stripe-signature": signature}
    )
    assert sent.status_code == 200
    again = browser.client.post(
        "/payments/webhook", content=body, headers={"stripe-signature": signature}
    )
    assert again.status_code == 200
    forged = browser.client.post(
        "/payments/webhook", content=body, headers={"stripe-signature": "t=1,v1=00"}
    )
    assert forged.status_code == 400


def _pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_receipt_and_a_statement_as_pdf_show_the_figures(world, signed_in) -> None:
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    form = {
        "token": "receipt-1",
        "method": "cheque",
        "amount": "120.50",
        "received_on": TODAY,
        "reference": "1042",
    }
    assert pat.post(f"{path}/payments", form).status_code == 303
    page = pat.get(path).text
    receipt_path = re.search(r'href="(/billing/payments/[^"]+/receipt)"', page).group(1)
    receipt = pat.get(receipt_path)
    assert receipt.status_code == 200 and "120.50" in receipt.text
    pdf = pat.get(f"{receipt_path}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Sam Chen" in text and "120.50" in text and "1042" in text
    statement = pat.get(f"{path}/statement.pdf?month=2026-01")
    text = _pdf_text(statement.content)
    assert "Opening balance" in text and "-120.50" in text and "Closing balance" in text
    assert "Maya" not in text
    assert signed_in("lee").get(f"{path}/statement.pdf?month=2026-01").status_code == 403


def _charge_token(page: str) -> str:
    found = re.search(
        r'action="[^"]*/charge".*?name="token" value="([^"]+)"', page, flags=re.DOTALL
    )
    assert found, "no charge form on the page"
    return found.group(1)


def test_the_saved_card_charged_from_two_tabs_is_charged_once(world, signed_in, container) -> None:
    """Two tabs of one account (or two staff at once), each with its own page: the second
    'Charge' finds the first one's charge instead of making another. A new charge is offered
    once the page shows the first one (or its decline)."""
    gateway = container.payment_gateway()
    assert isinstance(gateway, MemoryGateway)
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    pat.post(f"{path}/card", {"payment_method": "pm_card_visa", "consent": "on"})
    first_tab, second_tab = pat.get(path).text, pat.get(path).text
    first = pat.post(f"{path}/charge", {"token": _charge_token(first_tab), "amount": "50.00"})
    assert first.status_code == 200 and "The card was charged." in first.text
    again = pat.post(f"{path}/charge", {"token": _charge_token(second_tab), "amount": "50.00"})
    assert again.status_code == 200
    assert len(gateway.charged()) == 1
    fresh = pat.get(path).text
    assert (
        pat.post(f"{path}/charge", {"token": _charge_token(fresh), "amount": "20.00"}).status_code
        == 200
    )
    assert len(gateway.charged()) == 2
