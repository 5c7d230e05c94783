"""Async engines for the two databases, set up the way the repositories rely on.

SQLite runs with foreign keys on and in WAL mode: readers see a snapshot and never wait; one
writer at a time holds the write lock. A unit of work reads in a plain (deferred) transaction;
its first write ends that read-only transaction and opens `BEGIN IMMEDIATE`, which waits for the
write lock and then sees everything committed so far. That is PostgreSQL's READ COMMITTED as the
repositories use it: what was read may be stale by then, and the version checks
(`UPDATE ... WHERE version = :read`), unique keys and the double-booking check before commit
decide, exactly as under PostgreSQL's row locks. Without the switch SQLite refuses any write
after another writer committed since the read (SQLITE_BUSY_SNAPSHOT), a conflict on unrelated
rows (a session being saved) as often as a real one; with `BEGIN IMMEDIATE` from the start,
read-only screens would queue behind each other. A write still waiting after the busy timeout is
reported as `ConcurrencyConflict`.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.domain.shared.errors import ConcurrencyConflict

SQLITE_BUSY_TIMEOUT_MS = 15_000
_READING = "hearth_sqlite_reading"  # in Connection.info: the transaction has not written yet
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "ALTER", "DROP")


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
    """Pragmas on every connection, our own BEGIN and its switch to IMMEDIATE on the first
    write, a busy timeout reported as a conflict (see the module docstring)."""

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
        connection.info[_READING] = False
        connection.exec_driver_sql("BEGIN")
        connection.info[_READING] = True

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _first_write(connection: sa.Connection, cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(_READING) and statement.lstrip().upper().startswith(_WRITES):
            connection.info[_READING] = False
            cursor.execute("COMMIT")  # nothing written yet: this only ends the read snapshot
            cursor.execute("BEGIN IMMEDIATE")

    @sa.event.listens_for(engine, "handle_error")
    def _busy(context: sa.engine.ExceptionContext) -> Exception | None:
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return ConcurrencyConflict("This record")
        return None


_DETAIL = "\nDETAIL:"


def configure_postgresql(engine: sa.Engine) -> None:
    """PostgreSQL's error DETAIL repeats row values ("Failing row contains (...)", "Key
    (email)=(...)=..."): drop it from every message of the error chain, as `hide_parameters`
    does for the statement's parameters. The code and constraint name stay, which is what the
    repositories look at."""

    @sa.event.listens_for(engine, "handle_error")
    def _no_values(context: sa.engine.ExceptionContext) -> None:
        error: BaseException | None = context.sqlalchemy_exception
        while error is not None:  # ours, the driver adapter's, asyncpg's own
            if getattr(error, "detail", None):
                error.detail = None  # type: ignore[attr-defined]
            if error.args and isinstance(error.args[0], str) and _DETAIL in error.args[0]:
                error.args = (error.args[0].split(_DETAIL, 1)[0], *error.args[1:])
            error = getattr(error, "orig", None) or error.__cause__


# What may run outside a transaction: a plain SELECT. Anything else (a write, SAVEPOINT, SET,
# a lock, a CTE) and a SELECT that locks rows or takes a transaction-level lock begins one.
_READ_ONLY_START = ("SELECT", "(SELECT")
_TRANSACTIONAL_READS = re.compile(
    r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b"
    r"|ADVISORY_XACT_LOCK|PG_EXPORT_SNAPSHOT|SET_CONFIG",
    re.IGNORECASE,
)
_PG_READING = "hearth_pg_reading"  # in Connection.info: no transaction begun yet


@functools.lru_cache(maxsize=4096)
def _needs_transaction(statement: str) -> bool:
    # Cached: the compiled cache hands the same few hundred strings to every statement, and
    # the search over a long SELECT was a measurable part of a light screen's CPU.
    head = statement.lstrip()[:7].upper()
    if not head.startswith(_READ_ONLY_START):
        return True
    return _TRANSACTIONAL_READS.search(statement) is not None


def read_before_writing(engine: sa.Engine) -> None:
    """PostgreSQL: a unit of work's reads run without a transaction until its first write.

    asyncpg's adapter sends BEGIN before a connection's first statement and ROLLBACK when it is
    returned: two round trips (and ~0.3 ms of CPU each) around every read-only unit of work,
    which is most of them — the session, the signed-in staff member and the page's own reads.
    Under READ COMMITTED, which the repositories use, each statement already sees its own
    snapshot, so a read outside the transaction sees what it would have seen inside; what
    needs the transaction (writes, row and advisory locks, SET LOCAL, savepoints) begins it
    just before it runs, so a unit of work's writes stay one transaction, rolled back whole.
    A connection asked to be AUTOCOMMIT, or an engine with its own isolation level (the
    backup's REPEATABLE READ), is left as it is."""

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        driver = connection.connection.dbapi_connection
        if driver is not None and not driver.autocommit:
            driver.autocommit = True
            connection.info[_PG_READING] = True

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _first_write(connection: sa.Connection, cursor: Any, statement: str, *_: Any) -> None:
        if connection.info.get(_PG_READING) and _needs_transaction(statement):
            connection.info[_PG_READING] = False
            driver = connection.connection.dbapi_connection
            if driver is not None:
                driver.autocommit = False  # the adapter sends BEGIN before this statement

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def _ended(connection: sa.Connection) -> None:
        if connection.invalidated or connection.closed:
            return  # its driver connection is discarded; asking it would hide the real error
        if connection.info.pop(_PG_READING, False):
            driver = connection.connection.dbapi_connection
            if driver is not None:
                driver.autocommit = False

    # However a connection goes back to the pool, it goes back as it came: a connection left
    # reading there would run the next unit of work's writes one by one, each committed.
    @sa.event.listens_for(engine, "checkin")
    def _returned(driver: Any, record: Any) -> None:
        if record is not None and record.info.pop(_PG_READING, False) and driver is not None:
            driver.autocommit = False


def create_engine(url: str, **kw: Any) -> AsyncEngine:
    """The application's engine for `url` (SQLite or PostgreSQL). Statement parameters are
    names, notes and password hashes: an error message or log never shows them."""
    url = async_url(url)
    ensure_sqlite_directory(url)
    engine = create_async_engine(url, hide_parameters=True, **kw)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine.sync_engine)
    else:
        configure_postgresql(engine.sync_engine)
        if "isolation_level" not in kw:
            read_before_writing(engine.sync_engine)
    return engine
