"""The billing screens of the owner and the administrators: unbilled charges (and the monthly
run's button), the invoice list, one invoice (issue, void and reissue, its PDF) and aging.
The core decides who may; a refused action comes back as a message on the page it came from."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.edge import refuse_unsafe
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId, QueryStr
from adapters.web.kit.rendering import render
from core.domain.billing.invoices import InvoiceStatus
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.ports.documents import PdfRenderer
from core.services.billing import invoicing
from core.services.billing.views import invoices as views
from core.services.shared.use_case import Deps

RendererParam = NamedDependency[SkipValidation[PdfRenderer]]


class VersionForm(msgspec.Struct, kw_only=True):
    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]


class VoidForm(VersionForm, kw_only=True):
    reason: str = ""
    reissue: bool = False


class DraftForm(msgspec.Struct, kw_only=True):
    payer_kind: PayerKind
    payer_id: UUID
    start: date
    end: date


class RunForm(msgspec.Struct, kw_only=True):
    month: str


def _month(text: str, today: date) -> tuple[date, date, str]:
    start, end = invoicing.month_of(text) if text else invoicing.previous_month(today)
    return start, end, f"{start:%Y-%m}"


def _day(text: str) -> date | None:
    """A date filter as typed; an unreadable one filters nothing (a list, not a form)."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def document_html(request: AnyRequest, invoice: views.InvoiceView) -> str:
    """The invoice as a self-contained HTML document (what the PDF is printed from)."""
    engine: Any = request.app.template_engine
    return str(engine.get_template("billing/invoice_document.html").render(invoice=invoice))


class BillingPages(StaffController):
    path = "/billing"

    @get("")
    async def home(self) -> Redirect:
        return Redirect(path="/billing/invoices", status_code=303)

    @get("/unbilled")
    async def unbilled(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        month: QueryStr = "",
        message: QueryStr = "",
        page: QueryStr = "1",
    ) -> Template:
        start, end, shown = _month(month, deps.clock.today())
        found = await views.unbilled(deps, actor, start, end, forms.digits(page) or 1)
        return render(
            request,
            "billing/unbilled.html",
            {"actor": actor, "page": found, "month": shown, "message": message[:200]},
        )

    @post("/run")
    async def run(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Response[Any]:
        form = await request.form()
        try:
            refuse_unsafe(form)  # not through `form_action`: the edge's check here
            month = forms.read(form, RunForm).month
            issued = await invoicing.run_month(deps, actor, invoicing.MonthlyRun(month=month))
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            return await self._unbilled_again(request, deps, actor, forms.text(form, "month"), exc)
        return Redirect(
            path="/billing/invoices",
            query_params={"issued": str(len(issued)), "month": month},
            status_code=303,
        )

    @post("/drafts")
    async def draft(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Response[Any]:
        form = await request.form()
        try:
            refuse_unsafe(form)  # not through `form_action`: the edge's check here
            typed = forms.read(form, DraftForm)
            invoice_id = await invoicing.draft_invoice(
                deps, actor, invoicing.DraftInvoice(**msgspec.structs.asdict(typed))
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            return await self._unbilled_again(
                request, deps, actor, forms.text(form, "start")[:7], exc
            )
        return Redirect(path=f"/billing/invoices/{invoice_id}", status_code=303)

    async def _unbilled_again(
        self, request: AnyRequest, deps: Deps, actor: StaffActor, month: str, error: DomainError
    ) -> Template:
        try:
            start, end, shown = _month(month, deps.clock.today())
        except DomainError:
            start, end, shown = _month("", deps.clock.today())
        page = await views.unbilled(deps, actor, start, end)
        context = {"actor": actor, "page": page, "month": shown, "error": error.message}
        return render(request, "billing/unbilled.html", context, status=422)

    @get("/invoices")
    async def invoices(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        status: QueryStr = "",
        page: QueryStr = "1",
        issued: QueryStr = "",
        issued_from: QueryStr = "",
        issued_to: QueryStr = "",
    ) -> Template:
        chosen = InvoiceStatus(status) if status in set(InvoiceStatus) else None
        number = forms.digits(page) or 1
        listing = await views.invoice_list(
            deps,
            actor,
            status=chosen,
            issued_from=_day(issued_from),
            issued_to=_day(issued_to),
            page=number,
        )
        context = {
            "actor": actor,
            "page": listing,
            "statuses": list(InvoiceStatus),
            "issued": forms.digits(issued),
        }
        return render(
            request, "billing/invoices.html", context, fragment="billing/_invoice_rows.html"
        )

    @get("/invoices/{invoice_id:uuid}")
    async def invoice(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, invoice_id: PathId
    ) -> Template:
        invoice = await views.invoice_page(deps, actor, invoice_id)
        return render(request, "billing/invoice.html", {"actor": actor, "invoice": invoice})

    @get("/invoices/{invoice_id:uuid}/pdf")
    async def pdf(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        pdf_renderer: RendererParam,
        invoice_id: PathId,
    ) -> Response[bytes]:
        invoice = await views.invoice_page(deps, actor, invoice_id)
        body = await pdf_renderer.pdf(document_html(request, invoice))
        return Response(
            body,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{invoice.filename}"',
                "Cache-Control": "no-store",
            },
        )

    @post("/invoices/{invoice_id:uuid}/issue")
    async def issue(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, invoice_id: PathId
    ) -> Response[Any]:
        form = await request.form()
        try:
            refuse_unsafe(form)  # not through `form_action`: the edge's check here
            version = forms.read(form, VersionForm).version
            await invoicing.issue_invoice(
                deps, actor, invoicing.IssueInvoice(invoice_id=invoice_id, version=version)
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            return await self._invoice_again(request, deps, actor, invoice_id, exc, {})
        return Redirect(path=f"/billing/invoices/{invoice_id}", status_code=303)

    @post("/invoices/{invoice_id:uuid}/void")
    async def void(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, invoice_id: PathId
    ) -> Response[Any]:
        form = await request.form()
        try:
            refuse_unsafe(form)  # not through `form_action`: the edge's check here
            typed = forms.read(form, VoidForm)
            again = await invoicing.void_invoice(
                deps,
                actor,
                invoicing.VoidInvoice(
                    invoice_id=invoice_id,
                    version=typed.version,
                    reason=typed.reason,
                    reissue=typed.reissue,
                ),
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            return await self._invoice_again(
                request, deps, actor, invoice_id, exc, forms.values(form)
            )
        return Redirect(path=f"/billing/invoices/{again or invoice_id}", status_code=303)

    async def _invoice_again(
        self,
        request: AnyRequest,
        deps: Deps,
        actor: StaffActor,
        invoice_id: UUID,
        error: DomainError,
        values: dict[str, Any],
    ) -> Template:
        invoice = await views.invoice_page(deps, actor, invoice_id)
        errors = {error.field or "_form": error.message}
        context = {"actor": actor, "invoice": invoice, "errors": errors, "values": values}
        return render(request, "billing/invoice.html", context, status=422)

    @get("/aging")
    async def aging(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, page: QueryStr = "1"
    ) -> Template:
        found = await views.aging(deps, actor, forms.digits(page) or 1)
        return render(request, "billing/aging.html", {"actor": actor, "page": found})
