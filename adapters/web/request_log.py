"""The request log: method, path, status and duration of every request, and nothing a path or
query could carry about a client. Search words (`/cases?q=Rivera`) live in the query string,
which is never logged; a calendar feed's path is its secret, so it is logged as a placeholder.
Uvicorn's own access log prints the full URL, so `hearth serve` turns it off and wraps the app
in `RequestLog` instead."""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = logging.getLogger("hearth.requests")
FEED_PREFIX = "/calendar/"
# Paths that are their own key: a feed, a confirm / cancel link, a password reset, an invitation.
SECRET_PREFIXES = (FEED_PREFIX, "/s/", "/password/reset/", "/invitation/")


def loggable_path(path: str) -> str:
    """`path` without its query string, with the secret of a path that is a key replaced."""
    path = path.split("?", 1)[0]
    for prefix in SECRET_PREFIXES:
        if path.startswith(prefix) and len(path) > len(prefix):
            return prefix + "[secret]"
    return path


class RequestLog:
    """ASGI middleware: one line per HTTP request, written when the response has started."""

    def __init__(self, app: ASGIApp, logger: logging.Logger = LOGGER) -> None:
        self._app = app
        self._logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self._app(scope, receive, sending)
        finally:
            self._log(scope, status[0] if status else 500, time.perf_counter() - started)

    def _log(self, scope: Any, status: int, seconds: float) -> None:
        self._logger.info(
            "%s %s %d %.1f ms",
            scope.get("method", "?"),
            loggable_path(scope.get("path", "")),
            status,
            seconds * 1000,
        )
