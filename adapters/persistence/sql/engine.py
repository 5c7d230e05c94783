"""Async engines for the two databases, set up the way the repositories rely on.

SQLite runs with foreign keys on and in WAL mode: readers see a snapshot and never wait, and one
writer at a time holds the write lock (others wait up to the busy timeout). Transactions begin
with a plain `BEGIN`, started by SQLAlchemy rather than the driver. A transaction that read and
then writes after another writer committed gets SQLITE_BUSY (snapshot): that is exactly a
concurrent change, reported as the domain's `ConcurrencyConflict` - so check-then-write (a
participant limit, a free time slot) is serialisable on SQLite as it is under PostgreSQL's row
locks and version checks. `BEGIN IMMEDIATE` for every unit of work would also serialise the
read-only ones, and a screen that opens two units of work at once would wait on itself.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.domain.errors import ConcurrencyConflict

SQLITE_BUSY_TIMEOUT_MS = 15_000


def async_url(url: str) -> str:
    """Accept plain `sqlite:///...` and `postgresql://...` too, with the async drivers."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
    backend = parsed.get_backend_name()
    if backend not in driver:
        raise ValueError(f"Hearth runs on SQLite or PostgreSQL, not {backend}.")
    return parsed.set(drivername=driver[backend]).render_as_string(hide_password=False)


def ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def configure_sqlite(engine: sa.Engine) -> None:
    """Pragmas on every new connection, our own BEGIN, busy errors as conflicts (see above)."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    @sa.event.listens_for(engine, "handle_error")
    def _busy(context: sa.engine.ExceptionContext) -> Exception | None:
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return ConcurrencyConflict("This record")
        return None


def create_engine(url: str, **kw: Any) -> AsyncEngine:
    """The application's engine for `url` (SQLite or PostgreSQL)."""
    url = async_url(url)
    ensure_sqlite_directory(url)
    engine = create_async_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine.sync_engine)
    return engine
