"""Sessions nobody comes back for do not pile up in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.session_store import SqlSessionStore
from adapters.persistence.sql.tables import sessions


async def test_setting_a_value_clears_expired_sessions(engine: AsyncEngine):
    later = datetime.now(UTC) + timedelta(seconds=5)
    store = SqlSessionStore(engine)
    await store.set("abandoned", b"v", expires_in=1)
    await store.set("kept", b"v")
    await SqlSessionStore(engine, now=lambda: later).set("fresh", b"v", expires_in=60)
    async with engine.connect() as conn:
        keys = (await conn.execute(sa.select(sessions.c.key).order_by(sessions.c.key))).scalars()
        assert list(keys) == ["fresh", "kept"]
