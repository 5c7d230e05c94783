"""The audit log on SQL: append-only, hash-chained (core.domain.audit.chain).

Where it lives: on PostgreSQL, in the practice's database (tables of migration 0005), on the
application's engine but always in a short transaction of its own. On SQLite, in its own file
next to the practice's (`hearth.db` -> `hearth.db.audit.db`), with its own engine: a read of a
case writes its entry there and never waits for the practice database's write lock, so readers
do not queue behind writers of the practice (nor the other way round).

Chaining under concurrency: an append locks the chain-head row (`SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite the append transaction starts with `BEGIN IMMEDIATE`, the audit file's
write lock), computes the hashes after the head it read, inserts, moves the head, commits.
Appends are therefore serialized and form one chain; a failed append changes nothing.

Durability (measured in bench/audit_insert.py): an fsync per entry costs 10-25 ms on a
common disk, far too much for an entry per read. So, by default, an append commits without
waiting for the disk: `synchronous = NORMAL` in the audit file's WAL, `synchronous_commit = off`
for the append transaction on PostgreSQL. `record` returns after the commit, and the read
models call it before they return their screen, so:
- the web process crashing (or being killed) after a page was sent never loses its entry;
- the database server or machine losing power can lose the entries of the last moments
  (PostgreSQL: up to 3 x wal_writer_delay, 600 ms by default; SQLite: since the last
  checkpoint's sync), always a suffix of the chain, never a link in the middle: what remains
  verifies. On PostgreSQL `SqlAuditLog(engine, synchronous=True)` waits for the disk instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.persistence.sql.engine import SQLITE_BUSY_TIMEOUT_MS, async_url, create_engine
from adapters.persistence.sql.tables.audit import audit_chain_head, audit_entries, audit_metadata
from adapters.persistence.sql.tables.columns import UtcDateTime
from core.domain.audit.chain import (
    GENESIS,
    AuditEntry,
    ChainHead,
    canonical_parts,
    chain,
    entry_hash,
)
from core.domain.audit.reading import AuditFilter
from core.domain.shared.audit import AuditAction, AuditRecord
from core.domain.shared.errors import ConcurrencyConflict

AUDIT_SUFFIX = ".audit.db"
AUDIT_FILE_VERSION = 1  # PRAGMA user_version of the audit file
_APPEND = "hearth_audit_append"  # execution option: this transaction appends


def audit_database_url(database_url: str) -> str:
    """Where the audit log of `database_url` lives: the same PostgreSQL database, or the SQLite
    file next to the practice's."""
    url = make_url(async_url(database_url))
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=False)
    if url.database in (None, "", ":memory:"):
        raise ValueError("An in-memory SQLite practice has no audit file; use 'memory'.")
    return url.set(database=url.database + AUDIT_SUFFIX).render_as_string(hide_password=False)


def create_audit_engine(audit_url: str) -> AsyncEngine:
    """An engine for the audit file (SQLite) or the practice's server (PostgreSQL)."""
    url = async_url(audit_url)
    if make_url(url).get_backend_name() != "sqlite":
        # Its own pool: an append is one statement in autocommit that does not wait for the
        # disk (the crash guarantee in the README), whatever the practice's engine does.
        return create_engine(
            url, connect_args={"server_settings": {"synchronous_commit": "off"}}, pool_size=5
        )
    Path(make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, hide_parameters=True)
    sync = engine.sync_engine

    @sa.event.listens_for(sync, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(sync, "begin")
    def _begin(connection: sa.Connection) -> None:
        appending = connection.get_execution_options().get(_APPEND)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if appending else "BEGIN")

    @sa.event.listens_for(sync, "handle_error")
    def _busy(context: sa.engine.ExceptionContext) -> Exception | None:
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return ConcurrencyConflict("The audit log")
        return None

    return engine


def _create_file_schema(connection: sa.Connection) -> None:
    version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
    if version >= AUDIT_FILE_VERSION:
        return
    audit_metadata.create_all(connection)
    if connection.execute(sa.select(audit_chain_head.c.id)).first() is None:
        connection.execute(audit_chain_head.insert().values(id=1, seq=0, hash=GENESIS))
    connection.exec_driver_sql(f"PRAGMA user_version = {AUDIT_FILE_VERSION}")


async def migrate_audit_file(database_url: str) -> None:
    """Create (or upgrade) the SQLite audit file of the practice at `database_url`. PostgreSQL's
    audit tables come with the practice's migrations (0005)."""
    engine = create_audit_engine(audit_database_url(database_url))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_create_file_schema)
    finally:
        await engine.dispose()


def _record_values(r: AuditRecord) -> dict[str, Any]:
    return {
        "at": r.at,
        "actor_id": r.actor_id,
        "on_behalf_of": r.on_behalf_of,
        "action": str(r.action),
        "object_type": r.object_type,
        "object_id": r.object_id,
        "case_id": r.case_id,
        "route": r.route,
        "client_address": r.client_address,
    }


# Lock the head, move it, hash the entry in its place, insert it: one atomic statement.
_APPEND_ONE = sa.text(
    """
    WITH old AS (
        SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE
    ), moved AS (
        UPDATE audit_chain_head AS h
        SET seq = old.seq + 1,
            hash = encode(sha256(convert_to(
                :a || (old.seq + 1)::text || :b || old.hash || :c, 'UTF8')), 'hex')
        FROM old
        WHERE h.id = 1
        RETURNING h.seq, h.hash, old.hash AS prev_hash
    )
    INSERT INTO audit_entries (seq, at, actor_id, on_behalf_of, action, object_type,
                               object_id, case_id, route, client_address, prev_hash, hash)
    SELECT moved.seq, :at, :actor_id, :on_behalf_of, :action, :object_type,
           :object_id, :case_id, :route, :client_address, moved.prev_hash, moved.hash
    FROM moved
    RETURNING seq, prev_hash, hash
    """
).bindparams(
    sa.bindparam("at", type_=UtcDateTime()),
    sa.bindparam("actor_id", type_=sa.Uuid()),
    sa.bindparam("on_behalf_of", type_=sa.Uuid()),
    sa.bindparam("object_id", type_=sa.Uuid()),
    sa.bindparam("case_id", type_=sa.Uuid()),
    sa.bindparam("a", type_=sa.String()),
    sa.bindparam("b", type_=sa.String()),
    sa.bindparam("c", type_=sa.String()),
)


# The chain head's lock and move (SQLite, or PostgreSQL waiting for the disk), built once:
# they run with every audited read.
_LOCK_HEAD = (
    sa.select(audit_chain_head.c.seq, audit_chain_head.c.hash)
    .where(audit_chain_head.c.id == 1)
    .with_for_update()
)
_MOVE_HEAD = (
    audit_chain_head.update()
    .where(audit_chain_head.c.id == 1)
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
)


def _values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        **_record_values(entry.record),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _entry(row: sa.Row[Any]) -> AuditEntry:
    record = AuditRecord(
        at=row.at,
        actor_id=row.actor_id,
        on_behalf_of=row.on_behalf_of,
        action=AuditAction(row.action),
        object_type=row.object_type,
        object_id=row.object_id,
        case_id=row.case_id,
        route=row.route,
        client_address=row.client_address,
    )
    return AuditEntry(seq=row.seq, record=record, prev_hash=row.prev_hash, hash=row.hash)


class SqlAuditLog:
    """The audit log on `engine` (the audit file's on SQLite, the practice's on PostgreSQL)."""

    def __init__(self, engine: AsyncEngine, *, synchronous: bool = False) -> None:
        self.engine = engine
        self.synchronous = synchronous  # wait for the disk at every append (see above)
        self._postgres = engine.dialect.name == "postgresql"

    async def record(self, entry: AuditRecord) -> None:
        await self.append([entry])

    async def record_many(self, entries: Sequence[AuditRecord]) -> None:
        await self.append(entries)

    async def append(self, records: Sequence[AuditRecord]) -> list[AuditEntry]:
        if not records:
            return []
        if self._postgres and not self.synchronous:
            return await self._append_on_postgres(records)
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(**{_APPEND: True})
            async with conn.begin():
                if self._postgres:
                    await conn.exec_driver_sql("SET LOCAL synchronous_commit = on")
                row = (await conn.execute(_LOCK_HEAD)).one()
                added = chain(ChainHead(row.seq, row.hash), records)
                await conn.execute(audit_entries.insert(), [_values(e) for e in added])
                await conn.execute(
                    _MOVE_HEAD, {"new_seq": added[-1].seq, "new_hash": added[-1].hash}
                )
        return added

    async def _append_on_postgres(self, records: Sequence[AuditRecord]) -> list[AuditEntry]:
        """One statement per entry, in autocommit: it locks the chain head, moves it, hashes
        the entry where it learns its place (PostgreSQL's sha256 over the canonical form's
        parts, `chain.canonical_parts`) and inserts it — one round trip instead of six. The
        entry it returns is checked against the Python hash, so a mismatch is never silent."""
        added: list[AuditEntry] = []
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for record in records:
                a, b, c = canonical_parts(record)
                row = (
                    await conn.execute(
                        _APPEND_ONE, {**_record_values(record), "a": a, "b": b, "c": c}
                    )
                ).one()
                entry = AuditEntry(
                    seq=row.seq, record=record, prev_hash=row.prev_hash, hash=row.hash
                )
                if entry_hash(record, entry.seq, entry.prev_hash) != entry.hash:
                    raise RuntimeError("The database hashed an audit entry differently.")
                added.append(entry)
        return added

    async def head(self) -> ChainHead:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(sa.select(audit_chain_head.c.seq, audit_chain_head.c.hash))
            ).one()
        return ChainHead(row.seq, row.hash)

    async def page(self, query: AuditFilter) -> list[AuditEntry]:
        t = audit_entries
        where = [
            column == value
            for column, value in (
                (t.c.case_id, query.case_id),
                (t.c.object_type, query.object_type),
                (t.c.object_id, query.object_id),
                (t.c.actor_id, query.actor_id),
            )
            if value is not None
        ]
        if query.start is not None:
            where.append(t.c.at >= query.start)
        if query.end is not None:
            where.append(t.c.at < query.end)
        if query.before is not None:
            at = sa.bindparam(None, query.before.at, type_=UtcDateTime())
            where.append(sa.tuple_(t.c.at, t.c.seq) < sa.tuple_(at, sa.literal(query.before.seq)))
        statement = (
            sa.select(t).where(*where).order_by(t.c.at.desc(), t.c.seq.desc()).limit(query.limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [_entry(r) for r in rows]

    async def walk(self, batch: int = 1000) -> AsyncIterator[AuditEntry]:
        after = 0
        while True:
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(
                        sa.select(audit_entries)
                        .where(audit_entries.c.seq > after)
                        .order_by(audit_entries.c.seq)
                        .limit(batch)
                    )
                ).all()
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            after = rows[-1].seq
