"""One handler answers both a normal request (the full page) and an htmx request (the fragment
that changes), from the same context."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from litestar.response import Template

from adapters.web.kit.params import AnyRequest
from core.domain.shared.errors import DomainError


def wants_fragment(request: AnyRequest) -> bool:
    htmx: Any = getattr(request, "htmx", None)  # HTMXRequest only; None on a plain Request
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    request: AnyRequest,
    page: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> Template:
    name = fragment if fragment is not None and wants_fragment(request) else page
    return Template(template_name=name, context=context, status_code=status)


# The names the core gives a day in a rule about periods ("it cannot end on ... : it starts on
# ..."); the person typed that day into the form's own date input, whatever the core calls it.
PERIOD_FIELDS = frozenset(
    {"start", "end", "on", "from", "until", "from_day", "joined_on", "left_on", "closed_on"}
    | {"reopened_on", "opened_on", "closing_date", "joining_date", "start_date"}
)


def form_errors(
    error: DomainError, sent: Container[str] | None = None, day_field: str | None = None
) -> dict[str, str]:
    """The message, keyed by the field it is about ("_form" when it is about the whole form).

    With `sent` (the names the form posted): a rule about a period goes next to `day_field`,
    the form's date input; a rule about a field the form does not show also goes on top, so
    that the message is never lost."""
    field = error.field
    if sent is None:
        return {field or "_form": error.message}
    if field not in sent and field in PERIOD_FIELDS and day_field is not None and day_field in sent:
        field = day_field
    errors = {field or "_form": error.message}
    if field not in sent:
        errors["_form"] = error.message
    return errors
