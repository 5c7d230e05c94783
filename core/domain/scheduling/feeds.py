"""A clinician's private calendar feed: a secret address their calendar app subscribes to.

Only a hash of the secret is kept, so a copy of the database does not open anyone's feed; a
new secret replaces the old one, and revoking deletes it. A high-entropy random secret needs
no slow password hash: SHA-256 cannot be reversed and nothing can be guessed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from core.domain.shared.values import StaffId

SECRET_BYTES = 32
_SECRET = re.compile(r"[A-Za-z0-9_-]{40,64}")


@dataclass(slots=True)
class CalendarFeed:
    staff_id: StaffId
    token_hash: str
    include_names: bool  # the clinician chose to see case names instead of initials
    created_at: datetime


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str | None:
    """The stored form of a secret; None for anything that cannot be one of ours."""
    if not _SECRET.fullmatch(secret):
        return None
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def initials(name: str) -> str:
    """ "Maya & Sam" → "M.S.": enough for the clinician to tell cases apart, not a name."""
    letters = [w[0].upper() for w in re.findall(r"[^\W\d_]+", name)]
    return ".".join(letters[:4]) + "." if letters else "—"
