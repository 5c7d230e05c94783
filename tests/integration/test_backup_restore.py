"""`hearth backup` while the practice is being written to, and `hearth restore` into an empty
database: every row committed before the backup began comes back, the copy is one instant
(the writer's rows have no gap), and the restore's checks (migration head, row counts of the
manifest, audit chain) pass. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.audit import (
    SqlAuditLog,
    audit_database_url,
    create_audit_engine,
    migrate_audit_file,
)
from adapters.persistence.sql.backup import BackupError, backup, restore
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.migrate import alembic_config, head
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from bootstrap import main
from tests.conftest import require_or_skip
from tests.support.db import postgres_database, postgres_server, sqlite_copy
from tests.support.practice import Practice

WRITER = "Writer "
SEEDED = 20_000  # people already there: a copy that takes long enough for writes to overlap


async def _seed(engine) -> None:
    rows = [
        {
            "id": uuid.uuid4(),
            "legal_name": f"Seeded {n:05d}",
            "preferred_name": "",
            "legal_folded": f"seeded {n:05d}",
            "preferred_folded": "",
            "pronouns": "",
            "address": "1 Long Street, Springfield " * 4,
            "preferred_channel": "email",
        }
        for n in range(SEEDED)
    ]
    async with engine.begin() as conn:
        await conn.execute(t.people.insert(), rows)


@pytest.fixture
async def databases(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, str]]:
    """A migrated practice database, and an empty one to restore into."""
    if adapter == "sqlite":
        source = sqlite_copy(request.getfixturevalue("sqlite_template_path"), tmp_path)
        yield source, f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'hearth.db'}"
        return
    with postgres_server() as server:
        if server is None:
            require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
        with postgres_database(server) as source, postgres_database(server, migrated=False) as to:
            yield source, to


async def _writer(practice: Practice, committed: list[int], stop: asyncio.Event) -> None:
    """Register people one after another, noting each once its transaction has committed."""
    n = 0
    while not stop.is_set():
        await practice.person(f"{WRITER}{n:05d}", email=f"writer{n}@example.org")
        committed.append(n)
        n += 1
        await asyncio.sleep(0)


async def _writers_in(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.scalars(
                sa.text("SELECT legal_name FROM people WHERE legal_name LIKE :p"),
                {"p": WRITER + "%"},
            )
            return sorted(int(name.removeprefix(WRITER)) for name in names)
    finally:
        await engine.dispose()


async def test_a_backup_taken_during_writes_restores_every_committed_row(
    databases: tuple[str, str], tmp_path: Path
):
    source, target = databases
    engine = create_engine(source)
    audit_engine = create_audit_engine(audit_database_url(source))
    practice = await Practice(sql_uow_factory(engine), audit=SqlAuditLog(audit_engine)).setup()
    await _seed(engine)
    committed: list[int] = []
    stop = asyncio.Event()
    writer = asyncio.create_task(_writer(practice, committed, stop))
    try:
        while len(committed) < 30:
            await asyncio.sleep(0.01)
        # Back up until a copy was made while the writer committed (on SQLite a copy takes
        # about as long as a registration: most tries overlap one, not every one).
        for attempt in range(20):
            copy = tmp_path / f"backup-{attempt}"
            before = len(committed)  # every one of these must come back
            manifest = await backup(source, copy)
            after = len(committed)
            if after > before:
                break
        while len(committed) < after + 5:  # and the practice goes on after the backup
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await writer
        await engine.dispose()
        await audit_engine.dispose()
    assert after > before, "no backup overlapped a commit"
    assert copy.stat().st_mode & 0o077 == 0  # nobody else on the machine reads it
    assert all(p.stat().st_mode & 0o077 == 0 for p in copy.iterdir())
    report = await restore(copy, target)
    assert report.ok, report.problems
    restored = await _writers_in(target)
    assert set(range(before)) <= set(restored)
    # One instant: a prefix of the writer's sequence, no gap, nothing from after the backup.
    assert restored == list(range(len(restored))) and len(restored) <= after + 1
    assert manifest.tables["people"] == SEEDED + len(restored)
    # Each registration's audit entry is appended once it committed: those before the backup
    # are in it, and the chain of the copy verifies (report.ok).
    assert report.audit_entries >= before
    with pytest.raises(BackupError, match="already holds"):
        await restore(copy, target)


async def test_a_restore_whose_counts_differ_from_the_manifest_fails_and_leaves_no_database(
    adapter: str, databases: tuple[str, str], tmp_path: Path
):
    source, target = databases
    engine = create_engine(source)
    try:
        await Practice(sql_uow_factory(engine)).setup()
        await backup(source, tmp_path / "backup")
    finally:
        await engine.dispose()
    manifest_file = tmp_path / "backup" / "manifest.json"
    body = json.loads(manifest_file.read_text())
    body["tables"]["staff"] += 1  # a row the copy lacks
    manifest_file.write_text(json.dumps(body))
    report = await restore(tmp_path / "backup", target)
    assert not report.ok
    assert any("staff holds 1 rows" in p and "says 2" in p for p in report.problems)
    if adapter == "sqlite":  # restored beside the target, moved in only when checked
        assert not Path(target.removeprefix("sqlite+aiosqlite:///")).exists()


def test_the_cli_backs_up_and_restores(
    databases: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    source, target = databases
    monkeypatch.setenv("HEARTH_DATABASE_URL", source)
    assert main(["backup", str(tmp_path / "b")]) == 0
    assert main(["backup", str(tmp_path / "b")]) == 1  # never over an existing backup
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("HEARTH_DATABASE_URL", target)
    assert main(["restore", str(tmp_path / "b")]) == 0
    assert "whose chain verifies" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b")]) == 1
    assert "restore into an empty" in capsys.readouterr().err


async def test_a_damaged_backup_is_refused_before_anything_is_restored(
    databases: tuple[str, str], tmp_path: Path
):
    source, target = databases
    await backup(source, tmp_path / "backup")
    copied = next(p for p in (tmp_path / "backup").iterdir() if p.name != "manifest.json")
    data = bytearray(copied.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copied.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        await restore(tmp_path / "backup", target)
    assert (await _tables(target)) == 0


async def _tables(url: str) -> int:
    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite+aiosqlite:///")).exists():
        return 0
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return len(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


def test_an_unreachable_database_is_one_clear_line_not_a_traceback(
    adapter: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    missing = (
        f"sqlite+aiosqlite:///{tmp_path / 'nowhere.db'}"
        if adapter == "sqlite"
        else "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
    )
    monkeypatch.setenv("HEARTH_DATABASE_URL", missing)
    assert main(["backup", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hearth backup: ") and "Traceback" not in err
    assert not (tmp_path / "b").exists()  # no half backup left behind


async def test_a_backup_of_an_older_hearth_is_checked_then_migrated_to_head(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
):
    """The practice's server died; the new one runs a newer Hearth; last night's backup comes
    back checked as it was made, then upgraded."""
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head()).down_revision
    assert isinstance(previous, str)
    with ExitStack() as stack:
        if adapter == "sqlite":
            source = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
            target = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
        else:
            server = stack.enter_context(postgres_server())
            if server is None:
                require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
            source = stack.enter_context(postgres_database(server, migrated=False))
            target = stack.enter_context(postgres_database(server, migrated=False))
        engine = create_engine(source)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(
                    lambda c: command.upgrade(alembic_config(connection=c), previous)
                )
                await conn.commit()
        finally:
            await engine.dispose()
        if adapter == "sqlite":
            await migrate_audit_file(source)
        manifest = await backup(source, tmp_path / "backup")
        assert manifest.revision == previous
        report = await restore(tmp_path / "backup", target)
        assert report.ok, report.problems
        assert (report.upgraded_from, report.revision) == (previous, head())


async def test_a_sqlite_copy_whose_rows_point_nowhere_is_refused(
    adapter: str, databases: tuple[str, str], tmp_path: Path
):
    """The consistency a restore checks beyond the counts: every foreign key (PostgreSQL checks
    them itself as pg_restore adds each constraint)."""
    if adapter != "sqlite":
        pytest.skip("PostgreSQL refuses such a dump in pg_restore's one transaction")
    source, target = databases
    engine = create_engine(source)
    try:
        await Practice(sql_uow_factory(engine)).setup()
    finally:
        await engine.dispose()
    await backup(source, tmp_path / "backup")
    copy = tmp_path / "backup" / "practice.db"
    conn = sqlite3.connect(copy)  # a copy damaged as a careless hand or a bad disk would
    conn.execute("UPDATE staff SET supervisor_id = ? ", (uuid.uuid4().hex,))
    conn.commit()
    conn.close()
    manifest_file = tmp_path / "backup" / "manifest.json"
    body = json.loads(manifest_file.read_text())
    body["files"]["practice.db"] = hashlib.sha256(copy.read_bytes()).hexdigest()
    manifest_file.write_text(json.dumps(body))
    report = await restore(tmp_path / "backup", target)
    assert any("point at rows that are missing (in staff)" in p for p in report.problems)
