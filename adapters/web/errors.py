"""Errors become pages a person can act on, with the right status: the core's NotFound is a 404,
Forbidden a 403, any other rule a 422; nothing a user does should end in a 500."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Response
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from adapters.web.auth import NotSignedIn
from adapters.web.csrf import nonce_cookie
from adapters.web.kit.params import AnyRequest
from adapters.web.kit.rendering import wants_fragment
from core.domain.shared.errors import (
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    NotFound,
    RecordNotAllowed,
)
from core.domain.shared.limits import TooManyRequests

log = logging.getLogger("hearth.web")

_TITLES = {
    400: "That request was not understood",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Changed by someone else",
    413: "Too much data",
    422: "That cannot be done",
    500: "Something went wrong",
}


def _way_back(request: AnyRequest) -> str | None:
    """The page of this site the person came from (browsers send it for same-origin links
    only, as Referrer-Policy says), if it is not the failing address itself."""
    try:
        came_from = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # "http://[::1": a header anyone can send, not a reason for a 500
        return None
    if came_from.netloc != request.url.netloc or not came_from.path.startswith("/"):
        return None
    path = safe_next(came_from.path) + (f"?{came_from.query}" if came_from.query else "")
    return None if came_from.path == request.url.path else path


def error_page(request: AnyRequest, status: int, message: str) -> Response[Any]:
    context = {
        "status": status,
        "title": _TITLES.get(status, "Error"),
        "message": message,
        # Set once the signed-in actor was loaded for this request: the page keeps the
        # navigation instead of stranding the person.
        "actor": getattr(request.state, "actor", None),
        "back": _way_back(request),
    }
    if wants_fragment(request):
        return Template(template_name="_error.html", context=context, status_code=status)
    return Template(template_name="error.html", context=context, status_code=status)


def domain_status(exc: DomainError) -> int:
    if isinstance(exc, NotFound | RecordNotAllowed):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, ConcurrencyConflict):
        return 409
    if isinstance(exc, TooManyRequests):
        return 429
    return 422


def on_domain_error(request: AnyRequest, exc: DomainError) -> Response[Any]:
    return error_page(request, domain_status(exc), exc.message)


def safe_next(path: str) -> str:
    """Only a path of this site, so that sign-in cannot be turned into an open redirect: a
    browser reads a backslash as a slash (`/\\evil.example` is `//evil.example`) and drops a
    tab or newline, so a path with either is refused too."""
    odd = "\\" in path or any(c < " " or c == "\x7f" for c in path)
    return path if path.startswith("/") and not path.startswith("//") and not odd else "/cases"


def on_http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotSignedIn):
        target = "/sign-in"
        if request.method == "GET" and request.url.path not in ("/", "/sign-in"):
            target += "?next=" + quote(safe_next(request.url.path))
        if wants_fragment(request):
            return Response(content="", status_code=401, headers={"HX-Redirect": target})
        return Redirect(path=target, status_code=303)
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        response = error_page(
            request,
            403,
            "This form was open for too long or came from elsewhere. Reload the page and try "
            "again.",
        )
        # A token signed with an older secret (a restart, a new key) would otherwise be reused
        # by every page: dropping the cookie lets the reload issue a valid one.
        response.set_cookie(nonce_cookie(request.app.state.web, "", max_age=0))
        return response
    status = exc.status_code
    message = {
        404: "There is no page at this address.",
        405: "This address does not accept that kind of request.",
    }.get(status, str(exc.detail) if status < 500 else "Please try again in a moment.")
    if status >= 500:
        log.error(
            "HTTP %s on %s %s: %s",
            status,
            request.method,
            request.url.path,
            exc.detail,
            exc_info=exc,
        )
    return error_page(request, status, message)


def on_unexpected(request: AnyRequest, exc: Exception) -> Response[Any]:
    # The route and the traceback, never the request body: it may hold clinical data.
    log.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    try:
        return error_page(request, 500, "Please try again in a moment.")
    except Exception:  # the template engine itself failed: plain text still has the headers
        return Response(
            content="Something went wrong.",
            media_type=MediaType.TEXT,
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        )


EXCEPTION_HANDLERS = {
    DomainError: on_domain_error,
    HTTPException: on_http_error,
    Exception: on_unexpected,
}
