"""The in-memory processor's webhook secret is its own per process: a server left on it (no
Stripe keys) cannot be sent forged payment events signed with a secret anyone can read."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from adapters.payments.memory import MemoryGateway
from core.ports.payments import InvalidWebhook


def _signed(secret: str, body: bytes) -> str:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


def test_each_gateway_has_a_secret_of_its_own_and_refuses_the_old_public_one():
    first, second = MemoryGateway(), MemoryGateway()
    assert first.webhook_secret != second.webhook_secret
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "data": {}}).encode()
    with pytest.raises(InvalidWebhook):
        first.parse_webhook(body, _signed("whsec_memory", body))
    with pytest.raises(InvalidWebhook):
        first.parse_webhook(body, _signed(second.webhook_secret, body))
