from __future__ import annotations

from datetime import datetime
from typing import Protocol


class OneTimeCodes(Protocol):
    """TOTP (RFC 6238): 6 digits, 30-second steps, as authenticator apps compute them."""

    def new_secret(self) -> str: ...

    def enrolment_uri(self, secret: str, account: str, issuer: str) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step whose code `code` is (this one or one either side, for clocks a
        little apart), or None when it matches none."""
        ...
