"""Databases for tests: a migrated SQLite file and a migrated PostgreSQL database of their own.

PostgreSQL is found, in order: `DATABASE_URL` or `HEARTH_TEST_DATABASE_URL` (a server; the tests
create and drop a randomly named database on it), a testcontainers PostgreSQL when a Docker engine
answers, or nowhere: the PostgreSQL cases then skip with the reason (fail with REQUIRE_DB=1).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.audit import AUDIT_SUFFIX
from adapters.persistence.sql.engine import async_url, create_engine
from adapters.persistence.sql.migrate import migrate_url
from adapters.persistence.sql.tables.columns import metadata

T = TypeVar("T")


def docker_answers(timeout: float = 0.5) -> bool:
    """Whether a Docker engine listens, asked in well under a second (never hangs)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(host.removeprefix("unix://"))
        elif host.startswith("tcp://"):
            name, _, port = host.removeprefix("tcp://").partition(":")
            socket.create_connection((name, int(port or 2375)), timeout=timeout).close()
        else:
            return False
    except OSError:
        return False
    return True


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """The URL of a PostgreSQL server to create test databases on, or None (see module doc)."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("HEARTH_TEST_DATABASE_URL")
    if url:
        yield async_url(url)
        return
    if not docker_answers():
        yield None
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15-alpine", driver="asyncpg") as container:
        yield container.get_connection_url()


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion from sync code, even inside a running event loop (session
    fixtures are first asked for from within async tests): in a thread of its own."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _admin(server: str, statement: str) -> None:
    """Run `statement` outside a transaction on the server's database, or on the maintenance
    database `postgres` when the one in the URL does not exist (a bare server URL)."""
    maintenance = make_url(server).set(database="postgres").render_as_string(hide_password=False)
    for url in (server, maintenance):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql(statement)
            return
        except Exception as exc:  # the driver's own "unknown database" error, unwrapped
            if url == maintenance or "does not exist" not in str(exc):
                raise
        finally:
            await engine.dispose()


_MACHINE = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _drop_abandoned(server: str, prefix: str) -> None:
    """Drop this machine's test databases whose process is gone."""
    engine = create_engine(server)
    try:
        async with engine.connect() as conn:
            names = (
                await conn.execute(
                    sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": prefix.replace("_", r"\_") + "%"},
                )
            ).scalars()
            pids = {n: n.removeprefix(prefix).partition("_")[0] for n in names}
            abandoned = [n for n, pid in pids.items() if pid.isdigit() and not _alive(int(pid))]
    except Exception:  # the server's own database may not exist: nothing to tidy then
        return
    finally:
        await engine.dispose()
    for name in abandoned:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_database(server: str, *, migrated: bool = True) -> Iterator[str]:
    """A new, migrated database with a random name on `server`, dropped afterwards. The name
    says which machine and process made it, so that a run killed before dropping its database
    has it dropped by the next run on the same machine."""
    prefix = f"hearth_test_{_MACHINE}_"
    name = f"{prefix}{os.getpid()}_{uuid.uuid4().hex[:8]}"
    run_sync(_drop_abandoned(server, prefix))
    run_sync(_admin(server, f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        if migrated:  # (an empty one: what a restore starts from)
            run_sync(migrate_url(url))
        yield url
    finally:
        run_sync(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def sqlite_template(directory: Path) -> Iterator[Path]:
    """A migrated SQLite file that tests copy (copying beats migrating for every test)."""
    path = directory / "template.db"
    run_sync(migrate_url(f"sqlite+aiosqlite:///{path}"))
    yield path


def sqlite_copy(template: Path, directory: Path) -> str:
    path = directory / f"{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, path)
    # The audit log lives in its own file next to the practice's (adapters/persistence/sql/audit).
    shutil.copyfile(f"{template}{AUDIT_SUFFIX}", f"{path}{AUDIT_SUFFIX}")
    return f"sqlite+aiosqlite:///{path}"


async def empty_tables(engine: AsyncEngine) -> None:
    """Remove every row, children first. On tables of a few rows DELETE is several times faster
    than TRUNCATE (which rewrites each table), and both beat a new database per test."""
    async with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(table.delete())
