"""The audit log's contract, on memory, SQLite (its own file) and PostgreSQL: appends chain,
listings page newest first per case, person, staff member and period, `verify` names the
first entry changed behind the log's back, and concurrent appends still form one chain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.sql.audit import (
    SqlAuditLog,
    audit_database_url,
    create_audit_engine,
    migrate_audit_file,
)
from core.domain.audit.chain import GENESIS
from core.domain.audit.reading import AuditFilter, Cursor
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord
from core.services.audit import verify_log
from tests.conftest import require_or_skip

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEE, PAT = uuid4(), uuid4()
CASE_A, CASE_B, MAYA = uuid4(), uuid4(), uuid4()
TAMPER = "UPDATE audit_entries SET client_address = '1.2.3.4' WHERE seq = 3"


async def _reset_postgres(engine: AsyncEngine) -> None:
    """Empty the log between tests: past the append-only trigger, as only a superuser can."""
    async with engine.begin() as conn:
        await conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        await conn.exec_driver_sql("TRUNCATE audit_entries")
        await conn.exec_driver_sql(f"UPDATE audit_chain_head SET seq = 0, hash = '{GENESIS}'")


@pytest.fixture
async def audit_engine(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine | None]:
    if adapter == "memory":
        yield None
        return
    if adapter == "sqlite":
        practice_url = f"sqlite+aiosqlite:///{tmp_path / 'practice.db'}"
        await migrate_audit_file(practice_url)
        engine = create_audit_engine(audit_database_url(practice_url))
    else:
        url = request.getfixturevalue("postgres_url")
        if url is None:
            require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
        engine = create_audit_engine(url)
        await _reset_postgres(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def log(audit_engine: AsyncEngine | None) -> MemoryAuditLog | SqlAuditLog:
    return MemoryAuditLog() if audit_engine is None else SqlAuditLog(audit_engine)


def read(
    minutes: int,
    actor: UUID = LEE,
    case: UUID | None = CASE_A,
    object_type: str = AuditObject.CASE,
    object_id: UUID | None = None,
    on_behalf_of: UUID | None = None,
) -> AuditRecord:
    return AuditRecord(
        at=T0 + timedelta(minutes=minutes),
        actor_id=actor,
        action=AuditAction.READ,
        object_type=object_type,
        object_id=object_id if object_id is not None else case,
        case_id=case,
        on_behalf_of=on_behalf_of,
        route="/cases/{case_id:str}",
        client_address="10.0.0.7",
    )


async def test_appended_entries_come_back_as_written_and_chain(log):
    first = read(0)
    second = read(1, actor=PAT, on_behalf_of=LEE)
    stored = await log.append([first, second])
    assert [e.seq for e in stored] == [1, 2]
    assert stored[0].prev_hash == GENESIS and stored[1].prev_hash == stored[0].hash
    [newest, oldest] = await log.page(AuditFilter())
    assert (newest.record, oldest.record) == (second, first)
    assert newest.hash == stored[1].hash
    assert (await log.head()).seq == 2
    report = await verify_log(log)
    assert report.ok and report.checked == 2


async def test_listings_per_case_person_staff_and_period_page_newest_first(log):
    await log.record_many(
        [read(i, case=CASE_A if i % 2 else CASE_B) for i in range(10)]
        + [read(20, actor=PAT, case=None, object_type=AuditObject.PERSON, object_id=MAYA)]
    )
    case_a = await log.page(AuditFilter(case_id=CASE_A))
    assert [e.record.at.minute for e in case_a] == [9, 7, 5, 3, 1]
    first = await log.page(AuditFilter(case_id=CASE_A, limit=2))
    cursor = Cursor(first[-1].record.at, first[-1].seq)
    assert Cursor.decode(cursor.encode()) == cursor
    second = await log.page(AuditFilter(case_id=CASE_A, limit=2, before=cursor))
    assert [e.record.at.minute for e in first + second] == [9, 7, 5, 3]
    person = await log.page(AuditFilter(object_type=AuditObject.PERSON, object_id=MAYA))
    assert [e.record.actor_id for e in person] == [PAT]
    assert len(await log.page(AuditFilter(actor_id=LEE))) == 10
    period = await log.page(
        AuditFilter(start=T0 + timedelta(minutes=3), end=T0 + timedelta(minutes=6))
    )
    assert [e.record.at.minute for e in period] == [5, 4, 3]


async def test_entries_at_the_same_instant_page_by_position(log):
    await log.record_many([read(0) for _ in range(5)])
    seen: list[int] = []
    before = None
    while True:
        page = await log.page(AuditFilter(limit=2, before=before))
        seen += [e.seq for e in page]
        if len(page) < 2:
            break
        before = Cursor(page[-1].record.at, page[-1].seq)
    assert seen == [5, 4, 3, 2, 1]


async def test_verify_names_the_entry_changed_in_the_database(log, audit_engine, adapter):
    await log.record_many([read(i) for i in range(5)])
    if adapter == "memory":
        entry = log.entries[2]
        log.entries[2] = replace(entry, record=replace(entry.record, actor_id=PAT))
    else:
        if adapter == "postgres":  # the append-only trigger refuses a plain UPDATE
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                async with audit_engine.begin() as conn:
                    await conn.exec_driver_sql(TAMPER)
        async with audit_engine.begin() as conn:
            if adapter == "postgres":  # a superuser gets past it; the chain still shows it
                await conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            await conn.exec_driver_sql(TAMPER)
    report = await verify_log(log)
    assert not report.ok
    assert report.broken_seq == 3
    assert report.checked == 2
    assert "changed" in report.reason


async def test_verify_names_a_deleted_entry(log, audit_engine, adapter):
    await log.record_many([read(i) for i in range(4)])
    if adapter == "memory":
        del log.entries[1]
    else:
        async with audit_engine.begin() as conn:
            if adapter == "postgres":
                await conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            await conn.exec_driver_sql("DELETE FROM audit_entries WHERE seq = 2")
    report = await verify_log(log)
    assert report.broken_seq == 3 and "missing" in report.reason


async def test_concurrent_appends_form_one_chain(log):
    await asyncio.gather(*(log.record(read(i)) for i in range(20)))
    entries = [e async for e in log.walk(batch=7)]
    assert [e.seq for e in entries] == list(range(1, 21))
    report = await verify_log(log)
    assert report.ok and report.checked == 20
