"""TOTP codes (RFC 6238) through `pyotp`: 6 digits, 30-second steps, one step of leeway either
side for a phone whose clock is a little off."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

LEEWAY = 1  # steps either side


class PyotpCodes:
    def new_secret(self) -> str:
        return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends

    def enrolment_uri(self, secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        totp = pyotp.TOTP(secret)
        now = totp.timecode(at)
        found = None
        for step in range(now - LEEWAY, now + LEEWAY + 1):
            # Every step is compared, matched or not: the time taken says nothing.
            if hmac.compare_digest(totp.generate_otp(step), code):
                found = step
        return found
