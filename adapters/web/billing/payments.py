"""A payer's account (balance, credit, payments, saved card, autopay), recording money received,
charging the saved card, refunds, and the declined card payments ("Needs attention").

Every money form carries a one-time token made when the page is rendered: the core keys the
payment (or the card attempt) by it, so a double click, a retried post or a second tab records
or charges once. The controller only translates forms into commands.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import SkipValidation
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.edge import refuse_unsafe
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, PathStr
from adapters.web.kit.rendering import render
from core.domain.billing.payments import AttemptState, PaymentMethod
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.scheduling.fees import parse_amount, show_amount
from core.domain.shared.errors import InvalidInput
from core.services.billing import payment_cards as cards
from core.services.billing import payment_refunds as refunds
from core.services.billing import payment_views as views
from core.services.billing import payments as pay
from core.services.billing.payments import PaymentDeps

PaymentDepsParam = NamedDependency[SkipValidation[PaymentDeps]]

METHODS = [(m.value, m.label.capitalize()) for m in PaymentMethod if m.by_staff]


def payer_of(kind: str, payer_id: UUID) -> PayerRef:
    try:
        return PayerRef(PayerKind(kind), payer_id)
    except ValueError:
        raise NotFoundException() from None


def account_path(payer: PayerRef) -> str:
    return f"/billing/payers/{payer.kind.value}/{payer.id}"


def _invoice(form: Any) -> UUID | None:
    """The invoice a payment was recorded from (applied to it first), if any."""
    try:
        return UUID(str(form.get("invoice") or ""))
    except ValueError:
        return None


def _chosen(form: Any) -> tuple[UUID, ...]:
    found = _invoice(form)
    return (found,) if found is not None else ()


def _amount(form: forms.Fields, field: str = "amount", *, required: bool = True) -> int | None:
    text = forms.text(form, field)
    if not text and not required:
        return None
    if not text:
        raise InvalidInput("Enter the amount.", field=field)
    amount = parse_amount(text, field=field)
    if amount <= 0:
        raise InvalidInput("Enter an amount above zero.", field=field)
    return amount


def charge_token(account: views.PayerAccount) -> str:
    """The card form's key: the payer and their latest card attempt, not a fresh random token.
    Two tabs (or two staff) showing the same account send the same key, so the second click
    finds the first one's charge; once the page shows that attempt (charged or declined), the
    next key is new."""
    latest = account.attempts[0].key if account.attempts else ""
    after = hashlib.sha256(latest.encode()).hexdigest()[:16]
    return f"{account.payer.kind.value}:{account.payer.id}:{after}"


async def _page(
    request: AnyRequest,
    deps: PaymentDeps,
    actor: StaffActor,
    payer: PayerRef,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    form: str = "",
    status: int = 200,
    notice: str = "",
) -> Template:
    account = await views.payer_account(deps, actor, payer)
    context = {
        "actor": actor,
        "account": account,
        "path": account_path(payer),
        "methods": METHODS,
        "errors": errors or {},
        "values": values or {},
        "failed_form": form,
        # A fresh one-time token for each money form of this page.
        "token": str(uuid4()),
        "charge_token": charge_token(account),
        "today": deps.clock.today().isoformat(),
        "consent_text": cards.CONSENT_TEXT,
        "money": show_amount,
        "notice": notice or request.query_params.get("notice", ""),
        "declined": AttemptState.DECLINED,
        "invoice_id": str(_invoice(request.query_params) or "") or (values or {}).get("invoice"),
    }
    return render(request, "billing/payer_account.html", context, status=status)


NOTICES = {
    "recorded": "The payment was recorded.",
    "refunded": "The refund was recorded.",
    "autopay": "Autopay was changed.",
    "card": "The card was saved.",
}


class PaymentPages(StaffController):
    path = "/billing"

    @get("/payers/{kind:str}/{payer_id:uuid}")
    async def account(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Template:
        payer = payer_of(kind, payer_id)
        notice = NOTICES.get(request.query_params.get("done", ""), "")
        return await _page(request, payment_deps, actor, payer, notice=notice)

    async def _act(
        self,
        request: AnyRequest,
        deps: PaymentDeps,
        actor: StaffActor,
        payer: PayerRef,
        which: str,
        run: Any,
        done: str,
    ) -> Response[Any]:
        form = await request.form()

        async def again(refusal: Refusal) -> Response[Any]:
            return await _page(
                request,
                deps,
                actor,
                payer,
                errors=refusal.errors,
                values=refusal.values,
                form=which,
                status=refusal.status,
            )

        return await form_action(
            form,
            lambda: run(form),
            done=redirect_to(f"{account_path(payer)}?done={done}"),
            again=again,
        )

    @post("/payers/{kind:str}/{payer_id:uuid}/payments")
    async def record(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Response[Any]:
        payer = payer_of(kind, payer_id)

        async def run(form: forms.Fields) -> UUID:
            method = forms.optional_choice(form, "method", PaymentMethod, "a method")
            if method is None:
                raise InvalidInput("Choose how it was paid.", field="method")
            received = forms.text(form, "received_on")
            try:
                received_on = date.fromisoformat(received)
            except ValueError:
                raise InvalidInput("Enter the day it was received.", field="received_on") from None
            command = pay.RecordPayment(
                token=forms.text(form, "token"),
                payer=payer,
                amount_minor=_amount(form) or 0,
                method=method,
                received_on=received_on,
                reference=forms.text(form, "reference"),
                memo=forms.text(form, "memo"),
                invoice_ids=_chosen(form),
            )
            return await pay.record_payment(payment_deps, actor, command)

        return await self._act(request, payment_deps, actor, payer, "record", run, "recorded")

    @post("/payers/{kind:str}/{payer_id:uuid}/charge")
    async def charge(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Response[Any]:
        payer = payer_of(kind, payer_id)
        form = await request.form()
        try:
            refuse_unsafe(form)  # not through `form_action`: the edge's check here
            command = pay.ChargeCard(
                token=forms.text(form, "token"),
                payer=payer,
                amount_minor=_amount(form) or 0,
                invoice_ids=_chosen(form),
            )
            outcome = await pay.charge_card(payment_deps, actor, command)
        except InvalidInput as refused:
            return await _page(
                request,
                payment_deps,
                actor,
                payer,
                errors={refused.field or "_form": refused.message},
                values=forms.values(form),
                form="charge",
                status=422,
            )
        if outcome.state is AttemptState.DECLINED:
            return await _page(
                request,
                payment_deps,
                actor,
                payer,
                errors={"_form": outcome.message},
                form="charge",
                status=422,
            )
        return await _page(request, payment_deps, actor, payer, notice=outcome.message)

    @post("/payers/{kind:str}/{payer_id:uuid}/refunds")
    async def refund(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Response[Any]:
        payer = payer_of(kind, payer_id)

        async def run(form: forms.Fields) -> object:
            payment_id, version = (
                forms.text(form, "payment_id"),
                forms.digits(forms.text(form, "version")),
            )
            try:
                chosen = UUID(payment_id)
            except ValueError:
                raise InvalidInput("Choose a payment.", field="payment_id") from None
            command = refunds.RefundPayment(
                payment_id=chosen,
                version=version or 0,
                amount_minor=_amount(form, "refund_amount", required=False),
                reason=forms.text(form, "reason"),
            )
            return await refunds.refund_payment(payment_deps, actor, command)

        return await self._act(request, payment_deps, actor, payer, "refund", run, "refunded")

    @post("/payers/{kind:str}/{payer_id:uuid}/autopay")
    async def autopay(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
    ) -> Response[Any]:
        payer = payer_of(kind, payer_id)

        async def run(form: forms.Fields) -> None:
            command = cards.SetAutopay(
                payer=payer,
                on=forms.flag(form, "autopay"),
                version=forms.digits(forms.text(form, "version")) or 0,
            )
            await cards.set_autopay(payment_deps, actor, command)

        return await self._act(request, payment_deps, actor, payer, "autopay", run, "autopay")

    @get("/payments/declined")
    async def declined(
        self, request: AnyRequest, payment_deps: PaymentDepsParam, actor: ActorParam
    ) -> Template:
        rows = await views.declined_card_payments(payment_deps, actor)
        context = {"actor": actor, "rows": rows, "money": show_amount, "path_of": account_path}
        return render(request, "billing/declined.html", context)
