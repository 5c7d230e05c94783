"""Random secrets handed out in links (a calendar feed's address, a password-reset or
invitation link) and the form they are stored in.

Only a hash of a secret is kept, so a copy of the database opens nothing. A high-entropy random
secret needs no slow password hash: SHA-256 cannot be reversed and nothing can be guessed.
"""

from __future__ import annotations

import hashlib
import re
import secrets

SECRET_BYTES = 32
_SECRET = re.compile(r"[A-Za-z0-9_-]{40,64}")


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str | None:
    """The stored form of a secret; None for anything that cannot be one of ours."""
    if not _SECRET.fullmatch(secret):
        return None
    return hashlib.sha256(secret.encode("ascii")).hexdigest()
