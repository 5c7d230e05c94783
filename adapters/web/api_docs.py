"""`/schema` (the OpenAPI document and its rendered pages) lists every route: it is served to
signed-in staff only by default (`HEARTH_API_DOCS=staff`), to anyone with `public`, to nobody
with `off`. Anyone else gets the 404 of an address that does not exist."""

from __future__ import annotations

from litestar.exceptions import NotFoundException
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.web.auth import NotSignedIn, staff_only

PREFIX = "/schema"


class ApiDocsGate:
    """ASGI middleware, inside the session middleware (it asks who is signed in)."""

    def __init__(self, app: ASGIApp, docs: str) -> None:
        self._app = app
        self._docs = docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == PREFIX or path.startswith(PREFIX + "/")):
            if self._docs == "off":
                raise NotFoundException()
            if self._docs != "public":
                request = scope["litestar_app"].request_class(scope=scope, receive=receive)
                try:
                    await staff_only(request, scope["route_handler"])
                except NotSignedIn:
                    raise NotFoundException() from None
        await self._app(scope, receive, send)
