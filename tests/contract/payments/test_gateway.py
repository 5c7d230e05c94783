"""What Hearth relies on from a payment processor, on memory and on Stripe (localstripe)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import pytest

from core.ports.payments import (
    ChargeRequest,
    ChargeStatus,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentGateway,
)
from tests.contract.payments.conftest import WEBHOOK_SECRET


async def _customer_with(gateway: PaymentGateway, card: str) -> tuple[str, str]:
    customer = await gateway.create_customer(reference=str(uuid.uuid4()))
    saved = await gateway.attach_method(customer, card)
    return customer, saved.method_id


def _request(customer: str, method: str, amount: int = 18000) -> ChargeRequest:
    return ChargeRequest(
        key=f"test-{uuid.uuid4()}",
        amount_minor=amount,
        currency="usd",
        customer_id=customer,
        method_id=method,
    )


async def test_a_saved_card_is_a_processor_id_a_brand_and_four_digits(
    gateway: PaymentGateway,
) -> None:
    customer = await gateway.create_customer(reference="payer-1")
    saved = await gateway.attach_method(customer, "pm_card_visa")
    assert (saved.brand, saved.last4) == ("visa", "4242")
    assert saved.method_id.startswith("pm_")
    assert [m.method_id for m in await gateway.saved_methods(customer)] == [saved.method_id]
    setup = await gateway.start_card_setup(customer)
    assert setup.client_secret and setup.setup_id


async def test_a_card_declined_when_attached_is_refused(gateway: PaymentGateway) -> None:
    customer = await gateway.create_customer(reference="payer-2")
    with pytest.raises(GatewayUnavailable):
        await gateway.attach_method(customer, "pm_card_visa_chargeDeclined")


async def test_a_charge_succeeds_and_is_found_by_our_key(gateway: PaymentGateway) -> None:
    customer, method = await _customer_with(gateway, "pm_card_visa")
    request = _request(customer, method)
    charge = await gateway.charge(request)
    assert charge.status is ChargeStatus.SUCCEEDED
    assert (charge.amount_minor, charge.currency, charge.key) == (18000, "usd", request.key)
    found = await gateway.find_charge(request.key)
    assert found is not None and found.reference == charge.reference
    got = await gateway.get_charge(charge.reference)
    assert got is not None and got.status is ChargeStatus.SUCCEEDED
    assert await gateway.find_charge(f"never-{uuid.uuid4()}") is None


async def test_a_decline_at_charge_time_is_an_answer_with_our_key(
    gateway: PaymentGateway,
) -> None:
    customer, method = await _customer_with(gateway, "pm_card_chargeCustomerFail")
    request = _request(customer, method)
    charge = await gateway.charge(request)
    assert charge.status is ChargeStatus.DECLINED
    assert charge.decline_code
    found = await gateway.find_charge(request.key)
    assert found is not None and found.status is ChargeStatus.DECLINED


async def test_refunds_in_part_then_the_rest_and_never_more(gateway: PaymentGateway) -> None:
    customer, method = await _customer_with(gateway, "pm_card_visa")
    charge = await gateway.charge(_request(customer, method, 10000))
    part = await gateway.refund(charge.reference, 2500, key=f"r-{uuid.uuid4()}")
    assert part.amount_minor == 2500
    rest = await gateway.refund(charge.reference, None, key=f"r-{uuid.uuid4()}")
    assert rest.amount_minor in (7500, 10000)  # localstripe refunds the full amount again
    got = await gateway.get_charge(charge.reference)
    assert got is not None and got.refunded_minor >= 10000


async def test_a_declined_charge_cannot_be_refunded(gateway: PaymentGateway) -> None:
    customer, method = await _customer_with(gateway, "pm_card_chargeCustomerFail")
    charge = await gateway.charge(_request(customer, method))
    with pytest.raises(GatewayUnavailable):
        await gateway.refund(charge.reference, None, key=f"r-{uuid.uuid4()}")


def _stripe_signed(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


async def test_a_webhook_is_verified_then_read(gateway: PaymentGateway) -> None:
    customer, method = await _customer_with(gateway, "pm_card_visa")
    charge = await gateway.charge(_request(customer, method))
    body = json.dumps(_event_body(gateway, charge.reference, charge.key)).encode()
    event = gateway.parse_webhook(body, _stripe_signed(body))
    assert event.type == "payment_intent.succeeded"
    assert event.charge is not None and event.charge.key == charge.key
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, _stripe_signed(body, "whsec_someone_else"))
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body + b" ", _stripe_signed(body))
    # Headers no processor sends: refused as unsigned, never an error of the server.
    for header in ("", "t=,v1=", "t=" + "9" * 5000 + ",v1=00", "t=\u0661\u0662,v1=00", "v1"):
        with pytest.raises(InvalidWebhook):
            gateway.parse_webhook(body, header)


def _event_body(gateway: PaymentGateway, reference: str, key: str) -> dict[str, object]:
    """A payment_intent.succeeded event as Stripe sends it (both gateways read this shape)."""
    return {
        "id": f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": reference,
                "object": "payment_intent",
                "amount": 18000,
                "currency": "usd",
                "status": "succeeded",
                "metadata": {"hearth_key": key},
            }
        },
    }


async def test_stripes_own_webhook_call_verifies_and_names_our_key(localstripe_url) -> None:
    """localstripe posts a signed event after a charge, as Stripe does: the adapter verifies it
    with stripe.Webhook.construct_event and finds our key in it."""
    import asyncio
    import http.server
    import threading

    import httpx

    from adapters.payments.stripe_gateway import StripeGateway
    from tests.support.localstripe_server import free_port

    received: list[tuple[bytes, str]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("Stripe-Signature", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        secret = "whsec_delivered"
        async with httpx.AsyncClient(auth=("sk_test_contract", "")) as client:
            answer = await client.post(
                f"{localstripe_url}/_config/webhooks/hearth",
                json={"url": f"http://127.0.0.1:{port}/payments/webhook", "secret": secret},
            )
            answer.raise_for_status()
        gateway = StripeGateway("sk_test_contract", webhook_secret=secret, api_base=localstripe_url)
        customer, method = await _customer_with(gateway, "pm_card_visa")
        request = _request(customer, method)
        charge = await gateway.charge(request)
        ours: list = []
        for _ in range(50):  # localstripe waits a second before it sends
            events = [gateway.parse_webhook(body, sig) for body, sig in list(received)]
            ours = [
                e
                for e in events
                if e.type == "payment_intent.succeeded"
                and e.charge is not None
                and e.charge.reference == charge.reference
            ]
            if ours:
                break
            await asyncio.sleep(0.1)
        assert ours and ours[0].charge is not None and ours[0].charge.key == request.key
        body, signature = received[-1]
        with pytest.raises(InvalidWebhook):
            StripeGateway(
                "sk_test_contract", webhook_secret="whsec_other", api_base=localstripe_url
            ).parse_webhook(body, signature)
    finally:
        server.shutdown()
        async with httpx.AsyncClient(auth=("sk_test_contract", "")) as client:
            await client.post(
                f"{localstripe_url}/_config/webhooks/hearth",
                json={"url": "http://127.0.0.1:9/closed", "secret": "whsec_off"},
            )


async def test_the_in_memory_processor_still_answers_for_cards_saved_before_a_restart() -> None:
    from adapters.payments.memory import MemoryGateway

    before = MemoryGateway()
    customer = await before.create_customer(reference="payer")
    good = await before.attach_method(customer, "pm_card_visa")
    bad = await before.attach_method(customer, "pm_card_chargeCustomerFail")
    after = MemoryGateway()  # a new process: its customers and methods forgotten
    assert (await after.charge(_request(customer, good.method_id))).status is ChargeStatus.SUCCEEDED
    assert (await after.charge(_request(customer, bad.method_id))).status is ChargeStatus.DECLINED
    first = await after.charge(_request(customer, good.method_id))
    assert first.reference not in {c.reference for c in before.charges.values()}
    with pytest.raises(GatewayUnavailable):
        await after.charge(_request(customer, "pm_someone_elses"))
