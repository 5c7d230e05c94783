"""Sessions nobody comes back for do not pile up in the database: every so many `set`s the store
sweeps the expired ones, and the other requests never pay for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.session_store import SqlSessionStore
from adapters.persistence.sql.tables.sessions import sessions


async def _keys(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        keys = (await conn.execute(sa.select(sessions.c.key).order_by(sessions.c.key))).scalars()
        return list(keys)


async def test_every_nth_set_sweeps_the_expired_sessions(engine: AsyncEngine):
    store = SqlSessionStore(engine)
    await store.set("abandoned", b"v", expires_in=1)
    await store.set("kept", b"v")
    later = datetime.now(UTC) + timedelta(seconds=5)
    sweeping = SqlSessionStore(engine, now=lambda: later, sweep_every=3)
    await sweeping.set("fresh", b"v", expires_in=60)
    await sweeping.set("fresh", b"v2", expires_in=60)
    assert await _keys(engine) == ["abandoned", "fresh", "kept"]  # not yet
    await sweeping.set("fresh", b"v3", expires_in=60)
    assert await _keys(engine) == ["fresh", "kept"]
