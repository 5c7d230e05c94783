"""CSRF protection tied to the server-side session (a synchronizer token), instead of Litestar's
double-submit cookie.

- Signed in, or half signed in (the password was right, the second factor's code is owed): the
  token is a random value kept in the session itself (`csrf`), made whenever a session starts
  (the password step, the code, setup: a new session id, a new token) and gone with it at
  sign-out. A cookie planted by someone else, with a token that matches it, is worth nothing:
  the token must match what the server keeps for this session.
- Not signed in (the sign-in, setup and forgotten-password forms): no session is stored for
  nobody, so the token is an HMAC of a random nonce kept in an HttpOnly cookie (`__Host-` behind
  HTTPS, see `WebConfig.csrf_cookie`); the nonce is dropped when a session starts, so the next
  anonymous form gets a new one.

Pages carry the token (`csrf_token()` in a form's hidden field, and `hx-headers` on <body> for
htmx); no script reads a cookie. A wrong, missing or malformed token is a 403: tokens are
compared as bytes, because `hmac.compare_digest` raises TypeError on a `str` that is not ASCII.
Litestar's own CSRFMiddleware (2.25, `_decode_csrf_token`) compares `str` tokens and so answered a
non-ASCII token with a 500 on every POST; we found no report of it in the litestar-org/litestar
tracker (the same bug, fixed the same way, is maxcountryman/flask-seasurf#133)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from adapters.web.config import WebConfig
from adapters.web.sessions import STAFF_ID, session_renewed

HEADER = "x-csrftoken"
FIELD = "_csrf_token"
SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NONCE = re.compile(r"[0-9a-f]{64}")


def _as_bytes(token: str) -> bytes:
    return token.encode("utf-8", "surrogateescape")


def nonce_cookie(web: WebConfig, value: str, max_age: int | None = None) -> Cookie:
    """The anonymous nonce's cookie (`max_age=0` drops it: a browser takes that for a
    `__Host-` cookie only with the same Secure and Path)."""
    return Cookie(
        key=web.csrf_cookie,
        value=value,
        path="/",
        max_age=max_age,
        secure=web.secure_cookies,
        httponly=True,  # no script needs it: pages carry the token
        samesite="strict",
    )


def _session_token(session: Any) -> str | None:
    token = session.get(SESSION_KEY) if isinstance(session, dict) else None
    return token if isinstance(token, str) else None


class CsrfGuard:
    """ASGI middleware, inside the session middleware (it reads and extends the session)."""

    def __init__(self, app: ASGIApp, web: WebConfig) -> None:
        self._app = app
        self._web = web
        self._secret = web.secret_key.encode()

    def _anonymous_token(self, nonce: str) -> str:
        return hmac.new(self._secret, b"anonymous:" + nonce.encode(), hashlib.sha256).hexdigest()

    def _expected(self, session: Any, nonce: str) -> str:
        """The session's own token (signed in or half signed in), or the anonymous nonce's."""
        token = _session_token(session)
        if token is None and isinstance(session, dict) and session.get(STAFF_ID):
            # a signed-in session from before tokens lived in it
            token = session[SESSION_KEY] = secrets.token_urlsafe(32)
        return token if token is not None else self._anonymous_token(nonce)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            await self._app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        exempt = bool(handler is not None and handler.opt.get("exclude_from_csrf"))
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        nonce = request.cookies.get(self._web.csrf_cookie, "")
        fresh_nonce = not _NONCE.fullmatch(nonce)
        if fresh_nonce:  # for an anonymous page now, or for the one after signing out
            nonce = secrets.token_hex(32)
        expected = self._expected(scope.get("session"), nonce)
        if request.method not in SAFE_METHODS and not exempt:
            submitted = request.headers.get(HEADER)
            content_type, _ = request.content_type
            if not submitted and content_type in (
                RequestEncodingType.URL_ENCODED,
                RequestEncodingType.MULTI_PART,
            ):
                value = (await request.form()).get(FIELD)
                submitted = value if isinstance(value, str) else None
            # An anonymous token is never accepted once a session started, and vice versa.
            if not submitted or not hmac.compare_digest(_as_bytes(submitted), _as_bytes(expected)):
                raise PermissionDeniedException("CSRF token verification failed")
        ScopeState.from_scope(scope).csrf_token = expected  # what `csrf_token()` renders

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._finish(scope, message, nonce, fresh_nonce)
            await send(message)

        await self._app(scope, receive, sending)

    @staticmethod
    def _starts(scope: Scope, session: dict[str, Any]) -> bool:
        """Whether the session needs a token of its own now: it started in this request, or it
        is a signed-in one from before tokens lived in the session."""
        return session_renewed(scope) or bool(session.get(STAFF_ID) and not _session_token(session))

    def _finish(self, scope: Scope, message: Message, nonce: str, fresh_nonce: bool) -> None:
        """A session that started in this request (signed in, or half signed in) gets its own
        token (the page it goes to renders it) and the anonymous nonce goes; an anonymous page
        gets its nonce cookie (a page only: feed polls and the like need none)."""
        session: Any = scope.get("session")
        headers = MutableScopeHeaders.from_message(message)
        if isinstance(session, dict) and session and self._starts(scope, session):
            session[SESSION_KEY] = secrets.token_urlsafe(32)
        if _session_token(session) is not None:
            if not fresh_nonce:
                cookie = nonce_cookie(self._web, "", max_age=0)
                headers.add("set-cookie", cookie.to_header(header=""))
        elif fresh_nonce and headers.get("content-type", "").startswith("text/html"):
            headers.add("set-cookie", nonce_cookie(self._web, nonce).to_header(header=""))
