"""Stripe through its official SDK's async client (`StripeClient`, `*_async` methods on httpx).

A charge is a PaymentIntent created and confirmed in one call, off-session with the saved
method; our key is its idempotency key and its `metadata["hearth_key"]`, which is how
reconciliation finds it again (`find_charge`). A card's refusal is an answer (DECLINED), not an
exception; anything else Stripe refuses is `GatewayUnavailable` (nothing is known to be charged).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import stripe

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

KEY_FIELD = "hearth_key"

_STATUS = {
    "succeeded": ChargeStatus.SUCCEEDED,
    "processing": ChargeStatus.PENDING,
    "requires_action": ChargeStatus.PENDING,
    "requires_confirmation": ChargeStatus.PENDING,
    "requires_capture": ChargeStatus.PENDING,
    "requires_payment_method": ChargeStatus.DECLINED,  # what a refused confirmation leaves
    "canceled": ChargeStatus.DECLINED,
}


def _plain(obj: Any) -> dict[str, Any]:
    """The SDK's objects are not dicts (since v15): read them as plain data."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj or {})


def _charge(found: Any) -> Charge:
    intent = _plain(found)
    error = intent.get("last_payment_error") or {}
    return Charge(
        reference=intent["id"],
        key=(intent.get("metadata") or {}).get(KEY_FIELD, ""),
        amount_minor=int(intent["amount"]),
        currency=str(intent["currency"]),
        status=_STATUS.get(intent["status"], ChargeStatus.PENDING),
        decline_code=str(error.get("decline_code") or error.get("code") or ""),
        decline_message=str(error.get("message") or ""),
    )


class StripeGateway:
    def __init__(
        self, secret_key: str, *, webhook_secret: str, api_base: str | None = None
    ) -> None:
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else {},
            http_client=stripe.HTTPXClient(),
            max_network_retries=2,  # safe: every write carries an idempotency key
        )
        self._api = self._client.v1
        self._webhook_secret = webhook_secret

    async def create_customer(self, *, reference: str, email: str | None = None) -> str:
        params: dict[str, Any] = {"metadata": {"hearth_payer": reference}}
        if email:
            params["email"] = email
        try:
            customer = await self._api.customers.create_async(params)  # type: ignore[arg-type]
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return str(customer.id)

    async def start_card_setup(self, customer_id: str) -> CardSetup:
        try:
            setup = await self._api.setup_intents.create_async(
                {"customer": customer_id, "usage": "off_session"}
            )
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return CardSetup(setup_id=setup.id, client_secret=str(setup.client_secret))

    async def attach_method(self, customer_id: str, method_id: str) -> SavedMethod:
        try:
            method = await self._api.payment_methods.attach_async(
                method_id, {"customer": customer_id}
            )
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return self._saved(method)

    @staticmethod
    def _saved(found: Any) -> SavedMethod:
        method = _plain(found)
        card = method.get("card") or {}
        return SavedMethod(
            method_id=method["id"], brand=str(card.get("brand", "")), last4=str(card.get("last4"))
        )

    async def saved_methods(self, customer_id: str) -> Sequence[SavedMethod]:
        try:
            page = await self._api.payment_methods.list_async(
                {"customer": customer_id, "type": "card"}
            )
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return [self._saved(m) for m in page.data]

    async def charge(self, request: ChargeRequest) -> Charge:
        params: dict[str, Any] = {
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "customer": request.customer_id,
            "payment_method": request.method_id,
            "confirm": True,
            "off_session": request.off_session,
            "metadata": {KEY_FIELD: request.key},
        }
        if request.description:
            params["description"] = request.description
        try:
            intent = await self._api.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": request.key},
            )
        except stripe.CardError as error:
            # The card said no: the PaymentIntent exists, declined, with our key on it.
            # Stripe puts the PaymentIntent in the error; localstripe does not, and then it is
            # found by our key like any other.
            declined = _plain(error.error.payment_intent if error.error else None)
            if declined.get("id"):
                return _charge(declined)
            found = await self.find_charge(request.key)
            if found is not None:
                return msgspec.structs.replace(
                    found,
                    decline_code=found.decline_code or str(error.code or "card_declined"),
                    decline_message=found.decline_message or str(error.user_message or ""),
                )
            raise GatewayUnavailable(str(error.user_message or error)) from error
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return _charge(intent)

    async def get_charge(self, reference: str) -> Charge | None:
        try:
            intent = await self._api.payment_intents.retrieve_async(reference)
        except stripe.InvalidRequestError:
            return None
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        charge = _charge(intent)
        return await self._with_refunds(charge)

    async def _with_refunds(self, charge: Charge) -> Charge:
        refunds = await self._api.refunds.list_async({"payment_intent": charge.reference})
        total = sum(int(r.amount) for r in refunds.data if r.status == "succeeded")
        return msgspec.structs.replace(charge, refunded_minor=total)

    async def find_charge(self, key: str) -> Charge | None:
        # Search finds it by metadata where Stripe offers search; where it does not (some
        # regions, and the local test server), the PaymentIntents are listed and read.
        try:
            found = await self._api.payment_intents.search_async(
                {"query": f"metadata['{KEY_FIELD}']:'{key}'"}
            )
            intents: Any = found.data
        except stripe.InvalidRequestError:
            intents = None
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        if intents is None:
            page = await self._api.payment_intents.list_async({"limit": 100})
            intents = [i async for i in page.auto_paging_iter()]
        for intent in intents:
            if (_plain(intent).get("metadata") or {}).get(KEY_FIELD) == key:
                return _charge(intent)
        return None

    async def refund(self, reference: str, amount_minor: int | None, *, key: str) -> Refund:
        params: dict[str, Any] = {"payment_intent": reference, "metadata": {KEY_FIELD: key}}
        if amount_minor is not None:
            params["amount"] = amount_minor
        try:
            refund = await self._api.refunds.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": key},
            )
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error.user_message or error)) from error
        return Refund(
            reference=refund.id, charge_reference=reference, amount_minor=int(refund.amount)
        )

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._webhook_secret)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidWebhook("The signature does not verify.") from error
        subject = _plain(event.data.object)
        charge = _charge(subject) if subject.get("object") == "payment_intent" else None
        return GatewayEvent(event_id=event.id, type=event.type, charge=charge)
