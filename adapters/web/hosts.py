"""Allowed hosts (production): a request whose Host header names another host is a 400 before
any handler runs. Host names are compared without case (DNS ignores it; "HEARTH.example.org"
is the same site) and the scheme's default port counts as no port ("hearth.example.org:443"
over HTTPS, ":80" over HTTP), as browsers and proxies may send either. Any other port is
another site and refused, unless an allowed host names it ("hearth.internal:8443").

Litestar's own AllowedHostsMiddleware (2.25) matches the header as written: case-sensitive, and
an explicit default port is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar.datastructures import Headers
from litestar.response.base import ASGIResponse
from litestar.status_codes import HTTP_400_BAD_REQUEST
from litestar.types import ASGIApp, Receive, Scope, Send

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# A name (letters, digits, dots, hyphens, underscores) or a bracketed IPv6 address, then an
# optional port of digits.
_HOST = re.compile(r"(?P<name>[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{0,5}))?")


@dataclass(frozen=True, slots=True)
class _Allowed:
    name: str  # lower case, without a trailing dot; "*.example.org" matches its subdomains
    port: int | None  # None: the scheme's default port only

    def admits(self, name: str, port: int, default: int) -> bool:
        wild = self.name.startswith("*.")
        named = name.endswith(self.name[1:]) if wild else name == self.name
        return named and port == (default if self.port is None else self.port)


def split_host(host: str) -> tuple[str, int | None] | None:
    """("hearth.example.org", 443) from "Hearth.Example.Org.:443"; None if it is no host."""
    found = _HOST.fullmatch(host.strip().lower())
    if found is None:
        return None
    port = found.group("port")
    return found.group("name").rstrip("."), int(port) if port else None


def _allowed(entry: str) -> _Allowed:
    parsed = split_host(entry)
    if parsed is None and entry.strip().startswith("*."):  # split_host has no wildcard
        inner = split_host(entry.strip()[2:])
        parsed = (f"*.{inner[0]}", inner[1]) if inner else None
    if parsed is None:
        raise ValueError(f"not a host name: {entry!r}")
    return _Allowed(*parsed)


class AllowedHosts:
    """ASGI middleware; `hosts` as in the settings (HEARTH_PUBLIC_URL's, HEARTH_ALLOWED_HOSTS)."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self._app = app
        self._any = "*" in hosts
        # An empty entry (settings made without a public address) names no host.
        self._hosts = tuple(_allowed(h) for h in hosts if h.strip() and h != "*")

    def admits(self, host: str, scheme: str) -> bool:
        if self._any:
            return True
        parsed = split_host(host)
        if parsed is None or not parsed[0]:
            return False
        name, port = parsed
        default = DEFAULT_PORTS.get(scheme, 80)
        return any(a.admits(name, default if port is None else port, default) for a in self._hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = Headers.from_scope(scope).get("host", "")
            if not self.admits(host, scope.get("scheme", "http")):
                refusal = ASGIResponse(
                    body=b"This server does not answer for that host name.",
                    media_type="text/plain; charset=utf-8",
                    status_code=HTTP_400_BAD_REQUEST,
                )
                await refusal(scope, receive, send)
                return
        await self._app(scope, receive, send)
