"""Calendar feeds on SQL: one row per clinician, found by the hash of its secret (unique)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.upsert import upsert
from core.domain.scheduling.feeds import CalendarFeed
from core.domain.shared.values import StaffId

_f = t.calendar_feeds


def _feed(row: sa.Row | None) -> CalendarFeed | None:
    if row is None:
        return None
    return CalendarFeed(
        staff_id=StaffId(row.staff_id),
        token_hash=row.token_hash,
        include_names=row.include_names,
        created_at=row.created_at,
    )


class SqlCalendarFeedRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def for_staff(self, staff_id: StaffId) -> CalendarFeed | None:
        return _feed(
            (await self._conn.execute(sa.select(_f).where(_f.c.staff_id == staff_id))).first()
        )

    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None:
        query = sa.select(_f).where(_f.c.token_hash == token_hash)
        return _feed((await self._conn.execute(query)).first())

    async def save(self, feed: CalendarFeed) -> None:
        values = {
            "staff_id": feed.staff_id,
            "token_hash": feed.token_hash,
            "include_names": feed.include_names,
            "created_at": feed.created_at,
        }
        await self._conn.execute(upsert(self._conn.dialect.name, _f, values, key=["staff_id"]))

    async def delete(self, staff_id: StaffId) -> None:
        await self._conn.execute(sa.delete(_f).where(_f.c.staff_id == staff_id))
