"""The owner's audit screen and its CSV export: the same filters, read by the core (which
refuses anyone but the owner)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

import msgspec
from litestar import get
from litestar.response import Stream, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, AnyRequest, AuditDepsParam
from adapters.web.kit.rendering import render
from core.domain.shared.errors import DomainError, Forbidden
from core.services import audit
from core.services.audit import AuditLine

FILTERS = ("case", "person", "staff", "from", "to")
CSV_COLUMNS = [
    "seq",
    "at",
    "action",
    "actor_id",
    "actor",
    "on_behalf_of_id",
    "on_behalf_of",
    "object_type",
    "object_id",
    "case_id",
    "route",
    "client_address",
    "hash",
]


class AuditFilters(msgspec.Struct, kw_only=True):
    """The filters in the address (`?case=...&from=2026-01-01`) and the "older" cursor."""

    case: Annotated[UUID | None, what("a case")] = None
    person: Annotated[UUID | None, what("a person")] = None
    staff: Annotated[UUID | None, what("a staff member")] = None
    from_: date | None = msgspec.field(default=None, name="from")
    to: date | None = None
    before: str | None = None


def _query(request: AnyRequest) -> audit.AuditQuery:
    f = forms.read(request.query_params, AuditFilters)
    return audit.AuditQuery(
        case_id=f.case,
        person_id=f.person,
        staff_id=f.staff,
        from_day=f.from_,
        to_day=f.to,
        before=f.before,
    )


def _filters(request: AnyRequest) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k in FILTERS and v]


class AuditPages(StaffController):
    """The audit screen and its export. Its filters are a query string, not a form post: a bad
    one is shown next to its filter (the `except DomainError` below), as on the case list."""

    path = "/"

    @get("/audit")
    async def audit_log(
        self, request: AnyRequest, audit_deps: AuditDepsParam, actor: ActorParam
    ) -> Template:
        return await _audit_log(request, audit_deps, actor)

    @get("/audit.csv")
    async def audit_csv(
        self, request: AnyRequest, audit_deps: AuditDepsParam, actor: ActorParam
    ) -> Stream:
        return await _audit_csv(request, audit_deps, actor)


async def _audit_log(
    request: AnyRequest, audit_deps: AuditDepsParam, actor: ActorParam
) -> Template:
    """Newest first, filtered in place (htmx) with the filters in the URL; "Older entries"
    continues below the last entry shown (a keyset cursor, no page numbers to count)."""
    errors: dict[str, str] = {}
    page = None
    try:
        page = await audit.audit_page(audit_deps, actor, _query(request))
    except Forbidden:
        raise
    except DomainError as exc:
        errors[exc.field or "case"] = exc.message
    filters = _filters(request)
    context = {
        "actor": actor,
        "page": page,
        "values": forms.values(request.query_params),
        "errors": errors,
        "staff_choices": [(str(s.id), s.name) for s in page.staff] if page else [],
        "csv_link": "/audit.csv" + ("?" + urlencode(filters) if filters else ""),
        "older_link": (
            "/audit?" + urlencode([*filters, ("before", page.older)])
            if page and page.older
            else None
        ),
    }
    return render(
        request,
        "audit/log.html",
        context,
        fragment="audit/_results.html",
        status=422 if errors else 200,
    )


def _row(line: AuditLine) -> list[str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    return [
        str(line.seq),
        line.at.isoformat(),
        line.action,
        text(line.actor_id),
        line.actor,
        text(line.on_behalf_of_id),
        text(line.on_behalf_of),
        line.object_type,
        text(line.object_id),
        text(line.case_id),
        line.route,
        line.client_address,
        line.hash,
    ]


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    # A cell starting with = + - @ would be a formula in a spreadsheet: names are quoted text.
    csv.writer(out).writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in values])
    return out.getvalue()


async def _audit_csv(request: AnyRequest, audit_deps: AuditDepsParam, actor: ActorParam) -> Stream:
    """Every entry matching the filters, streamed page by page (the whole log never sits in
    memory)."""
    query = _query(request)
    lines = await audit.export_audit(audit_deps, actor, msgspec.structs.replace(query, before=None))

    async def body() -> AsyncIterator[str]:
        yield _csv_line(CSV_COLUMNS)
        async for line in lines:
            yield _csv_line(_row(line))

    return Stream(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
