"""The benchmark's databases: a scratch one per run (created on the server, migrated with this
checkout's migrations, dropped afterwards unless kept), or one kept from an earlier run."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import sqlalchemy as sa

from adapters.persistence.sql.engine import async_url
from adapters.persistence.sql.migrate import migrate_url

PREFIX = "hearth_bench_"


def on_server(server: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on `server`."""
    return sa.make_url(async_url(server)).set(database=name).render_as_string(hide_password=False)


async def _admin(server: str, statement: str) -> None:
    url = sa.make_url(async_url(server)).set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def exists(server: str, name: str) -> bool:
    url = sa.make_url(async_url(server)).set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


@contextmanager
def scratch_database(server: str, tier: str, *, keep: bool = False) -> Iterator[str]:
    """A new migrated database named for the tier, the day and this process."""
    name = f"{PREFIX}{tier}_{time.strftime('%Y%m%d_%H%M')}_{os.getpid()}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    url = on_server(server, name)
    try:
        asyncio.run(migrate_url(url))
        yield url
    finally:
        if not keep:
            asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
