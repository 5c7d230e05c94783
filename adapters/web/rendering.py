"""One handler answers both a normal request (the full page) and an htmx request (the fragment
that changes), from the same context."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from core.domain.errors import DomainError


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    request: Request[Any, Any, Any],
    page: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> Template:
    name = fragment if fragment is not None and wants_fragment(request) else page
    return Template(template_name=name, context=context, status_code=status)


def form_errors(error: DomainError) -> dict[str, str]:
    """The message, keyed by the field it is about ("_form" when it is about the whole form)."""
    return {error.field or "_form": error.message}
