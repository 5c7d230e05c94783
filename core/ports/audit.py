"""The audit log's store: append entries to one chain, list them newest first, walk them all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from core.domain.audit.chain import AuditEntry, ChainHead
from core.domain.audit.reading import AuditFilter
from core.domain.shared.audit import AuditRecord


class AuditLog(Protocol):
    """Implements the shared `AuditTrail` (record, record_many) and the owner's reading side.
    There is no update and no delete: an entry, once appended, stays as it was written.

    Appends are serialized: concurrent callers each get the next positions of one chain."""

    async def record(self, entry: AuditRecord) -> None: ...

    async def record_many(self, entries: Sequence[AuditRecord]) -> None: ...

    async def append(self, records: Sequence[AuditRecord]) -> list[AuditEntry]:
        """Chain `records` after the current head, durably, and return the stored entries."""
        ...

    async def page(self, query: AuditFilter) -> list[AuditEntry]:
        """Up to `query.limit` entries matching the filter, newest first (by at, then seq),
        strictly below `query.before`."""
        ...

    def walk(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        """Every entry in chain order (seq ascending), read in batches."""
        ...

    async def head(self) -> ChainHead:
        """The stored head of the chain: the last entry's position and hash."""
        ...
