"""The web session store: Litestar's MemoryStore (what the web tests use) and SqlSessionStore on
SQLite and PostgreSQL answer the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar.stores import base as litestar_stores_base
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.session_store import SqlSessionStore


def no_expiry(seconds: int | None) -> bool:
    """The Store interface says None; Litestar's own MemoryStore answers -1. Both mean "never"."""
    return seconds is None or seconds == -1


@pytest.fixture
def store(engine: AsyncEngine | None) -> Store:
    return MemoryStore() if engine is None else SqlSessionStore(engine)


async def test_values_are_stored_replaced_and_deleted(store: Store):
    assert await store.get("s1") is None
    assert not await store.exists("s1")
    await store.set("s1", "text ✓")
    await store.set("s2", b"\x00\xffbytes")
    assert await store.get("s1") == "text ✓".encode()
    assert await store.get("s2") == b"\x00\xffbytes"
    assert await store.exists("s1")
    assert no_expiry(await store.expires_in("s1"))
    await store.set("s1", b"replaced", expires_in=timedelta(minutes=10))
    assert await store.get("s1") == b"replaced"
    assert 590 <= (await store.expires_in("s1") or 0) <= 600
    await store.delete("s1")
    await store.delete("never-there")
    assert await store.get("s1") is None and not await store.exists("s1")
    await store.delete_all()
    assert await store.get("s2") is None


async def test_an_expired_value_reads_as_absent(store: Store, monkeypatch: pytest.MonkeyPatch):
    await store.set("short", b"v", expires_in=1)
    await store.set("long", b"v", expires_in=3600)
    store_now = getattr(store, "_now", None)
    later = datetime.now(UTC) + timedelta(seconds=2)
    # Move the store's clock instead of sleeping: ours takes `now`; Litestar's MemoryStore asks
    # `datetime.now` in litestar.stores.base, which is told two seconds later here.
    if isinstance(store, SqlSessionStore):
        store._now = lambda: later
    else:

        class Later(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[override]
                return later.astimezone(tz)

        monkeypatch.setattr(litestar_stores_base, "datetime", Later)
    assert await store.get("short") is None
    assert await store.get("long") == b"v"
    assert await store.expires_in("short") is None
    if store_now is not None:
        store._now = store_now  # type: ignore[attr-defined]


async def test_renewing_moves_the_expiry_of_expiring_values_only(store: Store):
    await store.set("expiring", b"v", expires_in=60)
    await store.set("forever", b"v")
    assert await store.get("expiring", renew_for=timedelta(hours=1)) == b"v"
    assert 3590 <= (await store.expires_in("expiring") or 0) <= 3600
    assert await store.get("forever", renew_for=3600) == b"v"
    assert no_expiry(await store.expires_in("forever"))


async def test_concurrent_sets_of_one_key_all_succeed_and_one_value_stays(store: Store):
    """Every response of a signed-in user stores the session again; parallel requests (htmx,
    several tabs) write one key at once, and none of them may fail."""
    import asyncio

    values = [f"value {n}".encode() for n in range(80)]
    await asyncio.gather(*(store.set("busy", v, expires_in=600) for v in values))
    assert await store.get("busy") in values
