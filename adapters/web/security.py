"""Headers every response carries, error pages and 404s included (a `before_send` hook runs
for every message the application sends, not only for matched routes)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


HSTS = "max-age=63072000; includeSubDomains"  # two years, as browsers' preload lists expect


async def add_hsts(message: Message, scope: Scope) -> None:
    """Production only (it is served over HTTPS there): browsers then refuse plain HTTP."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)["Strict-Transport-Security"] = HSTS


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    # A page may widen its own policy (the save-card page, for the processor's origins only).
    widened = scope.get("state", {}).get("content_security_policy")
    if widened:
        headers["Content-Security-Policy"] = widened
    # Pages show clinical data: never keep them in shared or browser caches.
    if not scope.get("path", "").startswith("/static/"):
        headers["Cache-Control"] = "no-store"
