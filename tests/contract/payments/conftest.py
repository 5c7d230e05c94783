"""The payment processor contract runs on the in-memory gateway and on the official Stripe SDK
pointed at localstripe (a stateful fake Stripe server, started here on 127.0.0.1)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from adapters.payments.memory import MemoryGateway
from adapters.payments.stripe_gateway import StripeGateway
from core.ports.payments import PaymentGateway

WEBHOOK_SECRET = "whsec_contract"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.localstripe_server", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("localstripe did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["memory", "stripe"])
def gateway(request: pytest.FixtureRequest) -> PaymentGateway:
    if request.param == "memory":
        return MemoryGateway(webhook_secret=WEBHOOK_SECRET)
    url = request.getfixturevalue("localstripe_url")
    return StripeGateway("sk_test_contract", webhook_secret=WEBHOOK_SECRET, api_base=url)
