"""`hearth backup PATH` and `hearth restore PATH`: a consistent copy of a running practice, and
its return into an empty database, checked before it is trusted.

A backup is a directory: the database as copied, and `manifest.json` saying what it holds (the
migration revision, the row count of every table in the copy, a SHA-256 of every file).

- SQLite: the practice's file and its audit file (`.audit.db`, adapters/persistence/sql/audit)
  are each copied with SQLite's online backup API in one step, which reads one snapshot: the web
  process keeps writing meanwhile (WAL mode: a reader never blocks the writer), and the copy
  holds exactly what was committed when its step began. The practice is copied first, so the
  audit copy holds every entry the practice copy's changes wrote (and perhaps a few later ones).
- PostgreSQL: `pg_dump --format=custom`, reading a snapshot this module exports from a
  REPEATABLE READ transaction (`pg_export_snapshot()`), in which the manifest's row counts are
  taken too: the counts and the dump describe the same instant, and the dump is one snapshot of
  the practice and its audit log together (they share the database). The database's own
  settings (`ALTER DATABASE ... SET`, e.g. migration 0006's `jit = off`) are not in a dump
  without `--create`; the manifest keeps them and the restore sets them again.

A restore refuses a database that holds any table, copies the backup in, then checks it: the
files' SHA-256, the migration revision is this Hearth's head, every table's row count is the
manifest's, and the audit chain verifies from its first entry to its head. On SQLite it restores
into a new file beside the target and moves it into place only when every check passed; on
PostgreSQL `pg_restore --single-transaction` restores everything or nothing, and a failed check
afterwards is reported (the database is left for inspection: drop it and restore again).
"""

from __future__ import annotations

import asyncio
import dataclasses
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.sql.audit import (
    AUDIT_SUFFIX,
    SqlAuditLog,
    audit_database_url,
    create_audit_engine,
)
from adapters.persistence.sql.engine import SQLITE_BUSY_TIMEOUT_MS, async_url, create_engine
from adapters.persistence.sql.migrate import alembic_config, head, migrate_url
from core.domain.audit.chain import verify

MANIFEST = "manifest.json"
FORMAT = "hearth-backup"
FORMAT_VERSION = 1
SQLITE_PRACTICE, SQLITE_AUDIT = "practice.db", "audit.db"
POSTGRES_DUMP = "practice.dump"
_SETTING = re.compile(r"[a-z_][a-z0-9_.]*")  # a database setting's name, as PostgreSQL spells it


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(slots=True)
class Manifest:
    dialect: str
    revision: str | None
    created_at: str
    tables: dict[str, int]  # the practice database's tables (on PostgreSQL the audit's too)
    audit_tables: dict[str, int] = field(default_factory=dict)  # SQLite: the audit file's
    files: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256
    database_settings: list[str] = field(default_factory=list)  # PostgreSQL: "name=value"

    def write(self, directory: Path) -> None:
        body = {"format": FORMAT, "format_version": FORMAT_VERSION, **dataclasses.asdict(self)}
        (directory / MANIFEST).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            body = json.loads((directory / MANIFEST).read_text())
        except FileNotFoundError:
            raise BackupError(
                f"{directory} holds no {MANIFEST}: it is not a Hearth backup."
            ) from None
        except ValueError as exc:
            raise BackupError(f"{directory / MANIFEST} is not readable JSON ({exc}).") from exc
        if body.get("format") != FORMAT or body.get("format_version") != FORMAT_VERSION:
            raise BackupError(f"{directory} is not a Hearth backup of format {FORMAT_VERSION}.")
        return cls(**{f.name: body[f.name] for f in dataclasses.fields(cls)})


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore found; `problems` empty means every check passed."""

    revision: str | None
    rows: int
    audit_entries: int
    problems: tuple[str, ...]
    upgraded_from: str | None = None  # a backup of an older Hearth, migrated after the checks

    @property
    def ok(self) -> bool:
        return not self.problems


def dialect_of(database_url: str) -> str:
    return make_url(async_url(database_url)).get_backend_name()


def _unreachable(exc: Exception) -> BackupError:
    """A database that cannot be reached or read, as one line (no statement, no parameters)."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    first = text.splitlines()[0] if text else ""
    return BackupError(f"The database cannot be used ({type(cause).__name__}): {first}")


async def backup(database_url: str, target: Path) -> Manifest:
    """Copy the practice at `database_url` into the new directory `target`."""
    try:
        return await _backup(database_url, target)
    except BackupError:
        raise
    except Exception as exc:  # the drivers' own errors (asyncpg's on connect are not wrapped)
        raise _unreachable(exc) from exc


async def restore(source: Path, database_url: str) -> RestoreReport:
    """Restore the backup in `source` into the empty database at `database_url`, and check it."""
    try:
        return await _restore(source, database_url)
    except BackupError:
        raise
    except Exception as exc:
        raise _unreachable(exc) from exc


async def _backup(database_url: str, target: Path) -> Manifest:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty directory.")
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)  # a practice's records: readable by this account only
    try:
        if dialect_of(database_url) == "sqlite":
            manifest = await asyncio.to_thread(_backup_sqlite, _sqlite_path(database_url), target)
        else:
            manifest = await _backup_postgres(database_url, target)
        manifest.files = {p.name: _sha256(p) for p in sorted(target.iterdir())}
        manifest.write(target)
        for path in target.iterdir():
            path.chmod(0o600)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never a half backup that looks whole
        raise
    return manifest


async def _restore(source: Path, database_url: str) -> RestoreReport:
    manifest = Manifest.read(source)
    dialect = dialect_of(database_url)
    if manifest.dialect != dialect:
        raise BackupError(
            f"The backup is of a {manifest.dialect} database; HEARTH_DATABASE_URL is {dialect}."
        )
    for name, digest in manifest.files.items():
        if not (source / name).is_file() or _sha256(source / name) != digest:
            raise BackupError(f"{source / name} is missing or damaged (its SHA-256 differs).")
    if dialect == "sqlite":
        return await _restore_sqlite(source, manifest, _sqlite_path(database_url))
    return await _restore_postgres(source, manifest, database_url)


async def check(database_url: str, manifest: Manifest) -> RestoreReport:
    """The restored database against its manifest: revision at head, row counts, audit chain."""
    problems: list[str] = []
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            revision = await _revision(conn)
            counts = await _counts(conn)
    finally:
        await engine.dispose()
    if revision not in known_revisions():
        problems.append(
            f"The restored database is at migration {revision or '(none)'}, which this Hearth"
            f" does not know (its head is {head()}): restore with the Hearth version that made"
            " the backup, or a newer one."
        )
    audit_counts: dict[str, int] = {}
    if dialect_of(database_url) == "sqlite":
        practice = Path(_sqlite_path(database_url))
        audit_counts = _sqlite_counts(Path(str(practice) + AUDIT_SUFFIX))
        # PostgreSQL checks each foreign key as pg_restore adds it; SQLite is asked here.
        problems += _sqlite_integrity(practice) + _sqlite_integrity(
            Path(str(practice) + AUDIT_SUFFIX)
        )
    problems += _compare("table", manifest.tables, counts)
    problems += _compare("audit table", manifest.audit_tables, audit_counts)
    audit_engine = create_audit_engine(audit_database_url(database_url))
    try:
        log = SqlAuditLog(audit_engine)
        report = await verify(log.walk(), await log.head())
    finally:
        await audit_engine.dispose()
    if not report.ok:
        problems.append(
            f"The audit chain is broken at entry {report.broken_seq}: {report.reason}"
            f" ({report.checked} entries before it verify)."
        )
    return RestoreReport(
        revision=revision,
        rows=sum(counts.values()) + sum(audit_counts.values()),
        audit_entries=report.checked,
        problems=tuple(problems),
    )


def known_revisions() -> frozenset[str]:
    """The migrations of this Hearth, its head and every one before it."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(r.revision for r in script.walk_revisions())


async def checked_and_upgraded(database_url: str, manifest: Manifest) -> RestoreReport:
    """`check` the restored database as the backup made it; when that holds and it is from an
    older Hearth, migrate it to this one's head (as `hearth migrate` would) and say so."""
    report = await check(database_url, manifest)
    if not report.ok or report.revision == head():
        return report
    before, after = await migrate_url(database_url)
    return dataclasses.replace(report, revision=after, upgraded_from=before)


def _compare(what: str, expected: Mapping[str, int], found: Mapping[str, int]) -> list[str]:
    problems = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want != got:
            problems.append(
                f"The {what} {name} holds {got if got is not None else 'nothing (missing)'}"
                f" rows; the backup's manifest says {want if want is not None else 'none'}."
            )
    return problems


async def _revision(conn: AsyncConnection) -> str | None:
    if not await conn.run_sync(lambda c: sa.inspect(c).has_table("alembic_version")):
        return None
    return (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar()


async def _counts(conn: AsyncConnection) -> dict[str, int]:
    """Every table of the practice's schema and its row count, as this connection sees it."""
    names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
    quote = conn.dialect.identifier_preparer.quote
    counts = {}
    for name in sorted(names):
        counts[name] = (await conn.exec_driver_sql(f"SELECT count(*) FROM {quote(name)}")).one()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# SQLite


def _sqlite_path(database_url: str) -> str:
    path = make_url(async_url(database_url)).database
    if path in (None, "", ":memory:"):
        raise BackupError("An in-memory SQLite database has nothing to back up or restore into.")
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    """The online backup API in one step (pages=-1): one read transaction, one snapshot."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}
    finally:
        conn.close()


def _sqlite_integrity(path: Path) -> list[str]:
    """SQLite's own checks of a file: its pages and indexes, and every foreign key."""
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        pages = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    problems = [] if pages == ["ok"] else [f"{path.name} is damaged: {pages[0]}"]
    tables = sorted({row[0] for row in keys})
    if tables:
        problems.append(
            f"{path.name}: {len(keys)} rows point at rows that are missing"
            f" (in {', '.join(tables)})."
        )
    return problems


def _sqlite_revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _backup_sqlite(database: str, target: Path) -> Manifest:
    practice, audit = Path(database), Path(database + AUDIT_SUFFIX)
    if not practice.is_file():
        raise BackupError(f"There is no SQLite database at {practice}.")
    _sqlite_copy(practice, target / SQLITE_PRACTICE)
    if audit.is_file():
        _sqlite_copy(audit, target / SQLITE_AUDIT)
    return Manifest(
        dialect="sqlite",
        revision=_sqlite_revision(target / SQLITE_PRACTICE),
        created_at=_now(),
        tables=_sqlite_counts(target / SQLITE_PRACTICE),
        audit_tables=_sqlite_counts(target / SQLITE_AUDIT),
    )


def _sqlite_holds_tables(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0 and bool(_sqlite_counts(path))


async def _restore_sqlite(source: Path, manifest: Manifest, database: str) -> RestoreReport:
    practice, audit = Path(database), Path(database + AUDIT_SUFFIX)
    for path in (practice, audit):
        if _sqlite_holds_tables(path):
            raise BackupError(
                f"{path} already holds a database: restore into an empty one (a new"
                " HEARTH_DATABASE_URL, or move that file away first)."
            )
    practice.parent.mkdir(parents=True, exist_ok=True)
    staged = practice.with_name(practice.name + ".restoring")
    staged_audit = Path(str(staged) + AUDIT_SUFFIX)
    for path in (staged, staged_audit):
        path.unlink(missing_ok=True)
    try:
        await asyncio.to_thread(_sqlite_copy, source / SQLITE_PRACTICE, staged)
        if (source / SQLITE_AUDIT).exists():
            await asyncio.to_thread(_sqlite_copy, source / SQLITE_AUDIT, staged_audit)
        report = await checked_and_upgraded(f"sqlite+aiosqlite:///{staged}", manifest)
        if report.ok:  # the target appears only once it is whole and checked
            os.replace(staged_audit, audit)
            os.replace(staged, practice)
        return report
    finally:
        for path in (staged, staged_audit):
            path.unlink(missing_ok=True)
            Path(f"{path}-wal").unlink(missing_ok=True)
            Path(f"{path}-shm").unlink(missing_ok=True)


# PostgreSQL


def postgres_tool(name: str) -> str:
    """`pg_dump` / `pg_restore`: on PATH (Debian's wrapper picks the cluster's version), else
    the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(re.sub(r"\D", "", Path(p).parts[-3]) or 0), reverse=True)
    if not candidates:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs"
            " (Debian: apt-get install postgresql-client) of the server's version or newer."
        )
    return candidates[0]


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq takes it (`--dbname`) and its environment: the password in
    PGPASSWORD, never on a command line that `ps` shows."""
    url = make_url(async_url(database_url))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None, query={})
    return plain.render_as_string(hide_password=False), env


async def _run(*argv: str, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        tool = Path(argv[0]).name
        raise BackupError(f"{tool} failed ({process.returncode}): {err.decode().strip()}")


async def _database_settings(conn: AsyncConnection) -> list[str]:
    rows = await conn.exec_driver_sql(
        "SELECT unnest(setconfig) FROM pg_db_role_setting s JOIN pg_database d"
        " ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0"
    )
    return sorted(r[0] for r in rows)


async def _backup_postgres(database_url: str, target: Path) -> Manifest:
    pg_dump = postgres_tool("pg_dump")
    dsn, env = _libpq(database_url)
    engine: AsyncEngine = create_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        async with engine.connect() as conn, conn.begin():
            # The transaction stays open until pg_dump is done: its snapshot lives as long.
            snapshot = (await conn.exec_driver_sql("SELECT pg_export_snapshot()")).scalar_one()
            revision = await _revision(conn)
            counts = await _counts(conn)
            settings = await _database_settings(conn)
            await _run(
                pg_dump,
                f"--dbname={dsn}",
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={target / POSTGRES_DUMP}",
                env=env,
            )
    finally:
        await engine.dispose()
    return Manifest(
        dialect="postgresql",
        revision=revision,
        created_at=_now(),
        tables=counts,
        database_settings=settings,
    )


async def _restore_postgres(source: Path, manifest: Manifest, database_url: str) -> RestoreReport:
    pg_restore = postgres_tool("pg_restore")
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            if tables:
                raise BackupError(
                    f"The database {make_url(database_url).database} already holds"
                    f" {len(tables)} tables ({', '.join(sorted(tables)[:3])}...): restore into"
                    " an empty database (createdb a new one)."
                )
            dsn, env = _libpq(database_url)
            await _run(
                pg_restore,
                f"--dbname={dsn}",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--no-comments",  # an extension's comment belongs to its owner
                str(source / POSTGRES_DUMP),
                env=env,
            )
            for setting in manifest.database_settings:
                name, _, value = setting.partition("=")
                if not _SETTING.fullmatch(name):
                    raise BackupError(f"The manifest names an unknown setting {name!r}.")
                statement = await conn.scalar(
                    sa.text(
                        "SELECT format('ALTER DATABASE %I SET %s = %L',"
                        " current_database(), CAST(:name AS text), CAST(:value AS text))"
                    ),
                    {"name": name, "value": value},
                )
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()
    return await checked_and_upgraded(database_url, manifest)
