"""The payment processor contract runs on the in-memory gateway and on the official Stripe SDK
pointed at localstripe (a stateful fake Stripe server, started here on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.payments.memory import MemoryGateway
from adapters.payments.stripe_gateway import StripeGateway
from core.ports.payments import PaymentGateway
from tests.support.localstripe_server import running_localstripe

WEBHOOK_SECRET = "whsec_contract"


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture(params=["memory", "stripe"])
def gateway(request: pytest.FixtureRequest) -> PaymentGateway:
    if request.param == "memory":
        return MemoryGateway(webhook_secret=WEBHOOK_SECRET)
    url = request.getfixturevalue("localstripe_url")
    return StripeGateway("sk_test_contract", webhook_secret=WEBHOOK_SECRET, api_base=url)
