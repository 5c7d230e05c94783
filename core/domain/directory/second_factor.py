"""A staff member's second factor: a TOTP authenticator (RFC 6238) and one-time recovery codes.

The TOTP secret must be kept as is (the server computes the same codes); recovery codes are
random and high-entropy, so only their SHA-256 is kept (core.domain.shared.secrets' reasoning).
Each time step is accepted once (`last_step`): a code seen over a shoulder or replayed from a
log is refused even within its 30 seconds."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.shared.values import StaffId

RECOVERY_CODES = 10
PENDING_LIFETIME = timedelta(minutes=5)  # between the password and the code
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
_CODE_GROUPS = 3
_GROUP = 4  # 12 characters of 31: about 59 bits, far beyond guessing at five tries
_TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII only: `\d` takes other scripts' digits


@dataclass(frozen=True, slots=True)
class SecondFactor:
    staff_id: StaffId
    secret: str  # base32, as authenticator apps take it
    enrolled_at: datetime
    last_step: int  # the newest TOTP time step accepted


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes as shown once to the staff member: "abcd-efgh-jkmn"."""
    return [
        "-".join(
            "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP)) for _ in range(_CODE_GROUPS)
        )
        for _ in range(count)
    ]


def normalise_code(typed: str) -> str:
    """What was typed, without spaces and dashes, lower case (codes are read off paper)."""
    return re.sub(r"[\s-]", "", typed).lower()


def recovery_hash(typed: str) -> str:
    """The stored form of a recovery code, from what was typed (any spacing or case)."""
    return hashlib.sha256(normalise_code(typed).encode("utf-8", "replace")).hexdigest()


def looks_like_totp(typed: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(normalise_code(typed)))
