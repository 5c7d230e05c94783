"""Litestar's server-side session store on the `sessions` table, so sign-ins survive a restart
and several server processes share them. Expired rows read as absent; every `sweep_every`-th
`set` of a store removes them all (`delete_expired`), off the path of the other requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from litestar.stores.base import Store
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.tables.sessions import sessions
from adapters.persistence.sql.upsert import upsert

SWEEP_EVERY = 500  # sets between two sweeps of expired sessions (one indexed DELETE)
# Read on every request: built once, the key bound at execution (building the statement and
# its cache key anew each time cost as much CPU as running it).
_READ = sa.select(sessions.c.value, sessions.c.expires_at).where(
    sessions.c.key == sa.bindparam("key", type_=sessions.c.key.type)
)


def _seconds(value: int | timedelta | None) -> timedelta | None:
    if value is None:
        return None
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class SqlSessionStore(Store):
    """`SqlSessionStore(engine)`; `now` is for tests that move time."""

    __slots__ = ("_engine", "_now", "_sets", "_sweep_every")

    def __init__(
        self,
        engine: AsyncEngine,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sweep_every: int = SWEEP_EVERY,
    ) -> None:
        self._engine = engine
        self._now = now
        self._sweep_every = sweep_every
        self._sets = 0

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        ttl = _seconds(expires_in)
        expires_at = self._now() + ttl if ttl is not None else None
        values = {"key": key, "value": data, "expires_at": expires_at}
        async with self._engine.begin() as conn:
            await conn.execute(upsert(conn.dialect.name, sessions, values, key=["key"]))
        self._sets += 1
        if self._sets % self._sweep_every == 0:
            await self.delete_expired()

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        now = self._now()
        async with self._engine.connect() as conn:
            row = (await conn.execute(_READ, {"key": key})).first()
        # Writes go in transactions of their own that write first: on SQLite a transaction that
        # read and then writes after another writer committed would be refused.
        if row is None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            await self.delete(key)
            return None
        ttl = _seconds(renew_for)
        if ttl and row.expires_at is not None:
            async with self._engine.begin() as conn:
                await conn.execute(
                    sa.update(sessions).where(sessions.c.key == key).values(expires_at=now + ttl)
                )
        return bytes(row.value)

    async def delete(self, key: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(sessions).where(sessions.c.key == key))

    async def delete_all(self) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(sessions))

    async def delete_expired(self) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(sessions).where(sessions.c.expires_at <= self._now()))

    async def exists(self, key: str) -> bool:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(sa.select(sessions.c.expires_at).where(sessions.c.key == key))
            ).first()
        return row is not None and (row.expires_at is None or row.expires_at > self._now())

    async def expires_in(self, key: str) -> int | None:
        async with self._engine.connect() as conn:
            expires_at = (
                await conn.execute(sa.select(sessions.c.expires_at).where(sessions.c.key == key))
            ).scalar_one_or_none()
        if expires_at is None:
            return None
        left = (expires_at - self._now()).total_seconds()
        return int(left) if left > 0 else None
