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
