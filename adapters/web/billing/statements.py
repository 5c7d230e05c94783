"""A payer's statement for a month (or any period) and a payment's receipt, as a page and as a
PDF printed from the same body by the practice's PDF renderer."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Response, get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.billing.invoices import RendererParam
from adapters.web.billing.payments import PaymentDepsParam, account_path, payer_of
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, PathStr, QueryStr
from adapters.web.kit.rendering import render
from core.domain.shared.errors import InvalidInput
from core.services.billing import invoicing
from core.services.billing import statements as st


def _period(month: str, today: date) -> tuple[date, date]:
    try:
        return invoicing.month_of(month) if month else invoicing.previous_month(today)
    except InvalidInput:
        return invoicing.previous_month(today)


def _document(request: AnyRequest, template: str, **context: Any) -> str:
    engine: Any = request.app.template_engine
    return str(engine.get_template(template).render(**context))


def _pdf(body: bytes, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class StatementPages(StaffController):
    path = "/billing"

    @get("/payers/{kind:str}/{payer_id:uuid}/statement")
    async def statement(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        kind: PathStr,
        payer_id: PathId,
        month: QueryStr = "",
    ) -> Template:
        payer = payer_of(kind, payer_id)
        start, end = _period(month, payment_deps.clock.today())
        s = await st.statement(payment_deps, actor, payer, start, end)
        context = {
            "actor": actor,
            "s": s,
            "account_path": account_path(payer),
            "pdf_path": f"{account_path(payer)}/statement.pdf?month={start:%Y-%m}",
        }
        return render(request, "billing/statement.html", context)

    @get("/payers/{kind:str}/{payer_id:uuid}/statement.pdf")
    async def statement_pdf(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        pdf_renderer: RendererParam,
        kind: PathStr,
        payer_id: PathId,
        month: QueryStr = "",
    ) -> Response[bytes]:
        payer = payer_of(kind, payer_id)
        start, end = _period(month, payment_deps.clock.today())
        s = await st.statement(payment_deps, actor, payer, start, end)
        html = _document(request, "billing/statement_document.html", s=s)
        return _pdf(await pdf_renderer.pdf(html), s.filename)

    @get("/payments/{payment_id:uuid}/receipt")
    async def receipt(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        payment_id: PathId,
    ) -> Template:
        r = await st.receipt(payment_deps, actor, payment_id)
        context = {
            "actor": actor,
            "r": r,
            "account_path": account_path(payer_of(r.payer.kind.value, r.payer.id)),
            "pdf_path": f"/billing/payments/{payment_id}/receipt.pdf",
        }
        return render(request, "billing/receipt.html", context)

    @get("/payments/{payment_id:uuid}/receipt.pdf")
    async def receipt_pdf(
        self,
        request: AnyRequest,
        payment_deps: PaymentDepsParam,
        actor: ActorParam,
        pdf_renderer: RendererParam,
        payment_id: PathId,
    ) -> Response[bytes]:
        r = await st.receipt(payment_deps, actor, payment_id)
        html = _document(request, "billing/receipt_document.html", r=r)
        return _pdf(await pdf_renderer.pdf(html), r.filename)
