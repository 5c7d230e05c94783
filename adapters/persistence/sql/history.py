"""The case history: appended, never changed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.cases.history import HistoryRecord
from core.domain.shared.values import CaseId


class SqlHistoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, event: HistoryRecord) -> None:
        await self._conn.execute(
            sa.insert(t.case_events).values(
                id=event.id,
                case_id=event.case_id,
                at=event.at,
                actor_id=event.actor_id,
                on_behalf_of=event.on_behalf_of,
                action=event.action,
                summary=event.summary,
                clinical=event.clinical,
            )
        )

    async def for_case(self, case_id: CaseId, limit: int = 200) -> list[HistoryRecord]:
        e = t.case_events.c
        rows = await self._conn.execute(
            sa.select(t.case_events)
            .where(e.case_id == case_id)
            .order_by(e.at.desc(), e.seq.desc())
            .limit(limit)
        )
        return [
            HistoryRecord(
                id=r.id,
                case_id=CaseId(r.case_id),
                at=r.at,
                actor_id=r.actor_id,
                action=r.action,
                summary=r.summary,
                clinical=r.clinical,
                on_behalf_of=r.on_behalf_of,
            )
            for r in rows
        ]
