from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """One-way password hashing (argon2id in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, hashed: str, password: str) -> bool:
        """True when `password` matches; False (never an exception) when it does not."""
        ...

    def needs_rehash(self, hashed: str) -> bool: ...
