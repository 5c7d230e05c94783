"""The case history: appended, never changed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.cases.history import HistoryRecord
from core.domain.shared.values import CaseId

# A case's latest history entries, read by every case page: built once.
_FOR_CASE = (
    sa.select(t.case_events)
    .where(t.case_events.c.case_id == sa.bindparam("case_id", type_=t.case_events.c.case_id.type))
    .order_by(t.case_events.c.at.desc(), t.case_events.c.seq.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)


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
        rows = await self._conn.execute(_FOR_CASE, {"case_id": case_id, "limit": limit})
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
