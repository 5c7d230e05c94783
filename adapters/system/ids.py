from __future__ import annotations

import uuid


class RandomIds:
    def new(self) -> uuid.UUID:
        return uuid.uuid4()


class SequentialIds:
    """Predictable ids for tests: 00000000-0000-0000-0000-000000000001, ...2, ..."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def new(self) -> uuid.UUID:
        value = uuid.UUID(int=self._next)
        self._next += 1
        return value
