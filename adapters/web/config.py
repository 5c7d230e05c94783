"""What the web adapter needs to know from the settings, as one plain value."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CSRF_COOKIE = "hearth_csrf"  # the anonymous forms' nonce (csrf.py); see `WebConfig.csrf_cookie`


@dataclass(frozen=True, slots=True)
class WebConfig:
    secret_key: str
    owner_sees_clinical: bool = False
    secure_cookies: bool = False  # True behind HTTPS (production)
    idle_timeout: int = 30 * 60  # seconds without a request before the session ends
    absolute_lifetime: int = 12 * 60 * 60  # seconds after sign-in before it ends regardless
    # Wall-clock seconds for session timing; tests move it forward.
    now: Callable[[], float] = field(default=time.time)
    debug: bool = False
    # Whether every staff member needs a second factor until the owner chooses (production).
    second_factor_default: bool = False
    # Where people reach Hearth: the one base of absolute links (the calendar feed's address;
    # mail has it from the settings), never the request's Host header.
    public_url: str = "http://127.0.0.1:8000"
    allowed_hosts: tuple[str, ...] = ()  # a request for another Host is a 400; () allows any
    hsts: bool = False  # Strict-Transport-Security on every response (production, HTTPS)
    api_docs: str = "staff"  # /schema and its pages: "staff" (signed in), "public" or "off"

    @property
    def csrf_cookie(self) -> str:
        """The anonymous CSRF nonce's cookie. Behind HTTPS it is a `__Host-` cookie, which
        browsers take only when Secure, with Path=/ and no Domain: a sibling subdomain
        (or a plain-HTTP answer on the way) cannot plant a nonce it knows the token of, for
        a login CSRF. Development keeps the plain name: there is no HTTPS on localhost."""
        return f"__Host-{CSRF_COOKIE}" if self.secure_cookies else CSRF_COOKIE
