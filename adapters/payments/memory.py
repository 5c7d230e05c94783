"""The in-memory payment processor: first-class (the contract suite holds it to Stripe's
behaviour), for the laptop default, the demo and every test that is not about Stripe itself.

It declines the amounts and cards it is told to, records every call, and signs its webhook calls
with a shared secret the way Stripe does (an HMAC over "timestamp.body"), so the webhook route is
exercised by the same code path on both.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from core.ports.payments import (
    CardSetup,
    Charge,
    ChargeRequest,
    ChargeStatus,
    GatewayEvent,
    GatewayUnavailable,
    InvalidWebhook,
    Refund,
    SavedMethod,
)

# Test cards by the number a payer would type into the processor's page, Stripe's numbering.
TEST_CARDS = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_mastercard": ("mastercard", "4444"),
    "pm_card_visa_chargeDeclined": ("visa", "0002"),  # declined when attached
    "pm_card_chargeCustomerFail": ("visa", "0341"),  # attaches, declined when charged
}


@dataclass
class MemoryGateway:
    # Random per process unless given: a known secret would let anyone forge this gateway's
    # webhooks on a server left on the in-memory processor (its own calls sign with it).
    webhook_secret: str = field(default_factory=lambda: f"whsec_{secrets.token_hex(16)}")
    declined_amounts: set[int] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, our key or id)
    unavailable: bool = False  # every call fails as if the processor were down
    customers: dict[str, str] = field(default_factory=dict)
    methods: dict[str, tuple[str, SavedMethod]] = field(default_factory=dict)
    charges: dict[str, Charge] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)  # by our key
    _card_of: dict[str, str] = field(default_factory=dict)  # saved method -> test card
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _new(self, prefix: str) -> str:
        # Unique across restarts too: a database keeps the ids of an earlier process's charges.
        return f"{prefix}_mem{next(self._ids):04d}{secrets.token_hex(4)}"

    def _call(self, name: str, subject: str) -> None:
        if self.unavailable:
            raise GatewayUnavailable("The payment processor does not answer.")
        self.calls.append((name, subject))

    def charged(self) -> list[Charge]:
        """The charges that took money: what a test counts."""
        return [c for c in self.charges.values() if c.status is ChargeStatus.SUCCEEDED]

    async def create_customer(self, *, reference: str, email: str | None = None) -> str:
        self._call("create_customer", reference)
        customer_id = self._new("cus")
        self.customers[customer_id] = reference
        return customer_id

    async def start_card_setup(self, customer_id: str) -> CardSetup:
        self._call("start_card_setup", customer_id)
        setup_id = self._new("seti")
        return CardSetup(setup_id=setup_id, client_secret=f"{setup_id}_secret_memory")

    async def attach_method(self, customer_id: str, method_id: str) -> SavedMethod:
        self._call("attach_method", customer_id)
        if customer_id not in self.customers:
            raise GatewayUnavailable("No such customer at the processor.")
        brand, last4 = TEST_CARDS.get(method_id, ("visa", "4242"))
        if method_id == "pm_card_visa_chargeDeclined":
            raise GatewayUnavailable("Your card was declined.")
        # The card's last four in the id: a restarted process (which forgot its customers and
        # methods) still knows how the demo's saved cards answer.
        saved = SavedMethod(method_id=f"{self._new('pm')}_{last4}", brand=brand, last4=last4)
        self.methods[saved.method_id] = (customer_id, saved)
        self._card_of[saved.method_id] = method_id
        return saved

    async def saved_methods(self, customer_id: str) -> Sequence[SavedMethod]:
        self._call("saved_methods", customer_id)
        return [m for owner, m in self.methods.values() if owner == customer_id]

    async def charge(self, request: ChargeRequest) -> Charge:
        self._call("charge", request.key)
        owner = self.methods.get(request.method_id)
        if owner is None and not request.method_id.startswith("pm_mem"):
            raise GatewayUnavailable("No such payment method for this customer.")
        if owner is not None and owner[0] != request.customer_id:
            raise GatewayUnavailable("No such payment method for this customer.")
        card = self._card_of.get(request.method_id) or (
            "pm_card_chargeCustomerFail" if request.method_id.endswith("_0341") else "pm_card_visa"
        )
        declined = (
            card == "pm_card_chargeCustomerFail" or request.amount_minor in self.declined_amounts
        )
        charge = Charge(
            reference=self._new("pi"),
            key=request.key,
            amount_minor=request.amount_minor,
            currency=request.currency.lower(),
            status=ChargeStatus.DECLINED if declined else ChargeStatus.SUCCEEDED,
            decline_code="card_declined" if declined else "",
            decline_message="Your card was declined." if declined else "",
        )
        self.charges[charge.reference] = charge
        return charge

    async def get_charge(self, reference: str) -> Charge | None:
        self._call("get_charge", reference)
        return self.charges.get(reference)

    async def find_charge(self, key: str) -> Charge | None:
        self._call("find_charge", key)
        return next((c for c in self.charges.values() if c.key == key), None)

    async def refund(self, reference: str, amount_minor: int | None, *, key: str) -> Refund:
        self._call("refund", key)
        if key in self.refunds:  # as Stripe answers a repeated idempotency key
            return self.refunds[key]
        charge = self.charges.get(reference)
        if charge is None or charge.status is not ChargeStatus.SUCCEEDED:
            raise GatewayUnavailable("Cannot refund a failed payment.")
        amount = (
            charge.amount_minor - charge.refunded_minor if amount_minor is None else amount_minor
        )
        if amount <= 0 or charge.refunded_minor + amount > charge.amount_minor:
            raise GatewayUnavailable("The refund is more than what is left of the charge.")
        self.charges[reference] = msgspec.structs.replace(
            charge, refunded_minor=charge.refunded_minor + amount
        )
        refund = Refund(reference=self._new("re"), charge_reference=reference, amount_minor=amount)
        self.refunds[key] = refund
        return refund

    # Webhooks, in Stripe's shape and signed as Stripe signs them
    # ("t=<unix>,v1=<hmac-sha256 of 't.body'>"), so one route reads both.

    def webhook_call(self, event_type: str, charge: Charge) -> tuple[bytes, str]:
        """The body and signature header the processor would send about this charge."""
        body = json.dumps(
            {
                "id": self._new("evt"),
                "object": "event",
                "type": event_type,
                "data": {"object": payment_intent_json(charge)},
            }
        ).encode()
        return body, self.sign(body)

    def sign(self, body: bytes, at: int | None = None) -> str:
        stamp = int(time.time()) if at is None else at
        mac = hmac.new(self.webhook_secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256)
        return f"t={stamp},v1={mac.hexdigest()}"

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        parts = dict(p.split("=", 1) for p in signature.split(",") if "=" in p)
        stamp = parts.get("t", "")
        if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:  # int() stops at 4,300
            raise InvalidWebhook("No timestamp in the signature.")
        expected = self.sign(payload, int(stamp)).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, parts.get("v1", "")):
            raise InvalidWebhook("The signature does not verify.")
        if abs(time.time() - int(stamp)) > 300:  # Stripe's default tolerance
            raise InvalidWebhook("The signature is too old.")
        try:
            data = json.loads(payload)
            subject = data["data"]["object"]
            charge = (
                charge_from_json(subject) if subject.get("object") == "payment_intent" else None
            )
            return GatewayEvent(event_id=str(data["id"]), type=str(data["type"]), charge=charge)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidWebhook("The event cannot be read.") from error


_INTENT_STATUS = {
    ChargeStatus.SUCCEEDED: "succeeded",
    ChargeStatus.DECLINED: "requires_payment_method",
    ChargeStatus.PENDING: "processing",
}


def payment_intent_json(charge: Charge) -> dict[str, object]:
    """A charge as Stripe writes a PaymentIntent (the fields Hearth reads)."""
    return {
        "id": charge.reference,
        "object": "payment_intent",
        "amount": charge.amount_minor,
        "currency": charge.currency,
        "status": _INTENT_STATUS[charge.status],
        "metadata": {"hearth_key": charge.key},
    }


def charge_from_json(intent: dict[str, object]) -> Charge:
    status = {v: k for k, v in _INTENT_STATUS.items()}.get(str(intent["status"]))
    metadata = intent.get("metadata")
    return Charge(
        reference=str(intent["id"]),
        key=str(metadata.get("hearth_key", "")) if isinstance(metadata, dict) else "",
        amount_minor=int(str(intent["amount"])),
        currency=str(intent["currency"]),
        status=status or ChargeStatus.PENDING,
    )
