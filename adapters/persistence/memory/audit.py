"""The in-memory audit log: a list in process memory, appended under a lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from core.domain.audit.chain import AuditEntry, ChainHead, chain
from core.domain.audit.reading import AuditFilter
from core.domain.shared.audit import AuditRecord


def matches(entry: AuditEntry, q: AuditFilter) -> bool:
    r = entry.record
    return (
        (q.case_id is None or r.case_id == q.case_id)
        and (q.object_type is None or r.object_type == q.object_type)
        and (q.object_id is None or r.object_id == q.object_id)
        and (q.actor_id is None or r.actor_id == q.actor_id)
        and (q.start is None or r.at >= q.start)
        and (q.end is None or r.at < q.end)
        and (q.before is None or (r.at, entry.seq) < (q.before.at, q.before.seq))
    )


class MemoryAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []
        self._lock = asyncio.Lock()

    async def record(self, entry: AuditRecord) -> None:
        await self.append([entry])

    async def record_many(self, entries: Sequence[AuditRecord]) -> None:
        await self.append(entries)

    async def append(self, records: Sequence[AuditRecord]) -> list[AuditEntry]:
        async with self._lock:
            added = chain(await self.head(), records)
            self.entries.extend(added)
            return added

    async def head(self) -> ChainHead:
        last = self.entries[-1] if self.entries else None
        return ChainHead(last.seq, last.hash) if last else ChainHead()

    async def page(self, query: AuditFilter) -> list[AuditEntry]:
        found = [e for e in self.entries if matches(e, query)]
        found.sort(key=lambda e: (e.record.at, e.seq), reverse=True)
        return found[: query.limit]

    async def walk(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        for entry in list(self.entries):
            yield entry
