"""Saving a card, and the processor's webhook.

The save-card page hands the processor's JavaScript a client secret (a Stripe SetupIntent);
the card number goes from the browser to the processor, never here (PCI SAQ A), and the page
posts back only the payment method the processor made, with the payer's consent. That page alone
widens the Content-Security-Policy, and only for the processor's own origins. With the in-memory
processor (development, demo) the page offers Stripe's test cards by name instead.

The webhook is not a staff page: no session, no CSRF token; the processor's signature over the
raw body is checked before anything is read.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import SkipValidation
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.billing.payments import PaymentDepsParam, account_path, payer_of
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, PathStr
from adapters.web.kit.rendering import render
from adapters.web.security import CONTENT_SECURITY_POLICY
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerRef
from core.ports.payments import InvalidWebhook
from core.services.billing import payment_cards as cards
from core.services.billing import payment_refunds as refunds
from core.services.billing import payment_views as views
from core.services.billing.payments import PaymentDeps

# The publishable key for Stripe.js ("": the in-memory processor's test page).
PublishableParam = NamedDependency[SkipValidation[str]]

STRIPE_ORIGINS = "https://js.stripe.com https://*.js.stripe.com"
STRIPE_CSP = (
    CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {STRIPE_ORIGINS}")
    + f"; connect-src 'self' https://api.stripe.com; frame-src {STRIPE_ORIGINS}"
    " https://hooks.stripe.com"
)
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 (succeeds)"),
    ("pm_card_mastercard", "Mastercard 4444 (succeeds)"),
    ("pm_card_chargeCustomerFail", "Visa 0341 (declined when charged)"),
]


async def _card_page(
    request: AnyRequest,
    deps: PaymentDeps,
    actor: StaffActor,
    payer: PayerRef,
    publishable: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    account = await views.payer_account(deps, actor, payer)
    setup = await cards.start_card_setup(deps, actor, payer)
    if publishable:
        request.state.content_security_policy = STRIPE_CSP  # this page only
    context = {
        "actor": actor,
        "account": account,
        "path": account_path(payer),
        "publishable_key": publishable,
        "client_secret": setup.client_secret,
        "test_cards": TEST_CARDS,
        "consent_text": cards.CONSENT_TEXT,
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "billing/save_card.html", context, status=status)


class CardPages(StaffController):
    path = "/billing/payers/{kind:str}/{payer_id:uuid}/card"

    @get("")
    async def card_page(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        stripe_publishable_key: PublishableParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Template:
        payer = payer_of(kind, payer_id)
        return await _card_page(request, payment_deps, actor, payer, stripe_publishable_key)

    @post("")
    async def save(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        stripe_publishable_key: PublishableParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Response[Any]:
        payer = payer_of(kind, payer_id)
        form = await request.form()

        async def run() -> str:
            command = cards.SaveCard(
                payer=payer,
                method_id=forms.text(form, "payment_method")[:255],
                consent_text=cards.CONSENT_TEXT,
                consented=forms.flag(form, "consent"),
            )
            return await cards.save_card(payment_deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            return await _card_page(
                request,
                payment_deps,
                actor,
                payer,
                stripe_publishable_key,
                errors=refusal.errors,
                values=refusal.values,
                status=refusal.status,
            )

        done = redirect_to(f"{account_path(payer)}?done=card")
        return await form_action(form, run, done=done, again=again)


@post("/payments/webhook", exclude_from_csrf=True, status_code=200)
async def payments_webhook(request: AnyRequest, payment_deps: PaymentDepsParam) -> Response[str]:
    body = await request.body()
    try:
        await refunds.handle_processor_event(
            payment_deps, body, request.headers.get("stripe-signature", "")
        )
    except InvalidWebhook as refused:
        raise HTTPException(status_code=400, detail=str(refused)) from refused
    return Response("", media_type="text/plain")
