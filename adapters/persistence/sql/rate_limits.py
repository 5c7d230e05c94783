"""Request counters in the database, so that every worker (and every machine) counts together:
one upsert per request (`hits = hits + 1 ... RETURNING hits`), on its own short transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.upsert import upsert

_r = t.rate_limits


class SqlRateLimiter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def hit(self, key: str, window_start: datetime, forget_before: datetime) -> int:
        async with self._engine.begin() as conn:
            statement = upsert(
                conn.dialect.name,
                _r,
                {"key": key, "window_start": window_start, "hits": 1},
                key=["key", "window_start"],
                changes=lambda _: {"hits": _r.c.hits + 1},
            ).returning(_r.c.hits)
            hits = (await conn.execute(statement)).scalar_one()
            # Old windows of this key go with it (indexed by the key); of other keys, now and
            # then — the window_start index keeps that cheap.
            await conn.execute(
                sa.delete(_r).where(_r.c.key == key, _r.c.window_start < forget_before)
            )
            if hits == 1:
                await conn.execute(sa.delete(_r).where(_r.c.window_start < forget_before))
        return int(hits)

    async def release(self, key: str, window_start: datetime) -> None:
        statement = (
            sa.update(_r)
            .where(_r.c.key == key, _r.c.window_start == window_start, _r.c.hits > 0)
            .values(hits=_r.c.hits - 1)
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement)

    async def count(self, key: str, window_start: datetime) -> int:
        query = sa.select(_r.c.hits).where(_r.c.key == key, _r.c.window_start == window_start)
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one_or_none() or 0)
