from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """One-way password hashing (argon2id in production). Hashing is deliberately slow (about
    a second), so `hash` and `verify` are awaitable and must not block the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, hashed: str, password: str) -> bool:
        """True when `password` matches; False (never an exception) when it does not."""
        ...

    def needs_rehash(self, hashed: str) -> bool:
        """Whether `hashed` was made with other parameters (reads the hash; computes nothing)."""
        ...
