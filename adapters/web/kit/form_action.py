"""The one way a form post runs a use case and answers.

Success: `done(result)` — the fragment that changed for htmx, a 303 for a plain post (see
`fragment_or_redirect`). A refused change (`DomainError`): `again(refusal)` renders the form once
more, with the message next to its field and what was typed still in it — status 422, or 409 when
someone else changed the record meanwhile. `NotFound` and `Forbidden` are not the form's business:
they go on to the application's error pages (adapters/web/errors.py), 404 and 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Response
from litestar.response import Redirect

from adapters.web import edge
from adapters.web.kit import forms
from adapters.web.kit.params import AnyRequest
from adapters.web.kit.rendering import form_errors, wants_fragment
from core.domain.shared.errors import (
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    NotFound,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """Why the form comes back, and what it shows."""

    error: DomainError
    errors: dict[str, str]  # message by field name ("_form": about the whole form)
    values: dict[str, Any]  # what was typed (passwords never), to show it again
    status: int  # 422, or 409 after a concurrent change

    @property
    def conflict(self) -> bool:
        return isinstance(self.error, ConcurrencyConflict)


async def form_action(
    form: forms.Fields,
    run: Callable[[], Awaitable[T]],
    *,
    done: Callable[[T], Awaitable[Response[Any]] | Response[Any]],
    again: Callable[[Refusal], Awaitable[Response[Any]]],
    sent: Container[str] | None = None,
    day_field: str | None = None,
    fields: Mapping[str, str] | None = None,
    conflict_status: int = 409,
) -> Response[Any]:
    """Run `run()` and answer. `sent` (usually the form) and `day_field` place messages as
    `rendering.form_errors` says; `fields` renames the core's field names to the form's.
    `conflict_status`: a screen that answers a stale version by showing the record as it is
    now (the appointment page) says 422 there, as for any other refusal."""
    try:
        edge.refuse_unsafe(form)  # a control character: refused before the use case runs
        result = await run()
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        if fields and exc.field is not None and exc.field in fields:
            exc.field = fields[exc.field]
        errors = form_errors(exc, sent, day_field)
        if isinstance(exc, edge.UnsafeInput):  # said on top too: a search box shows no message
            errors.setdefault("_form", edge.FORM_MESSAGE)
        refusal = Refusal(
            error=exc,
            errors=errors,
            values=forms.values(form),
            status=conflict_status if isinstance(exc, ConcurrencyConflict) else 422,
        )
        return await again(refusal)
    answer = done(result)
    return await answer if isinstance(answer, Awaitable) else answer


def fragment_or_redirect(
    request: AnyRequest,
    fragment: Callable[[], Awaitable[Response[Any]]],
    path: str,
) -> Callable[[Any], Awaitable[Response[Any]]]:
    """The usual `done`: htmx gets `fragment()`, a plain post a 303 to `path`."""

    async def done(_: Any) -> Response[Any]:
        if wants_fragment(request):
            return await fragment()
        return Redirect(path=path, status_code=303)

    return done


def redirect_to(path: str) -> Callable[[Any], Response[Any]]:
    """`done` for a screen without fragments: a 303 to `path`, whatever the result."""
    return lambda _: Redirect(path=path, status_code=303)
