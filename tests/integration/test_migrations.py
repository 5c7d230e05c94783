"""The migrations and the tables in code describe one schema, the same on SQLite and PostgreSQL,
and migrating twice changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.audit import AUDIT_SUFFIX, migrate_audit_file
from adapters.persistence.sql.migrate import head, migrate
from adapters.persistence.sql.tables.audit import audit_metadata, schema_of
from adapters.persistence.sql.tables.columns import (
    SQLITE_ONLY_TABLE_PREFIXES,
    postgresql_only_indexes,
)

ROOT = Path(__file__).resolve().parents[2]


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    found = compare_metadata(context, schema_of(connection.dialect.name))
    # SQLite's FTS5 search tables are not in the metadata (no other database has them).
    return [d for d in found if not _sqlite_only(d)]


def _sqlite_only(difference: Any) -> bool:
    return (
        isinstance(difference, tuple)
        and difference[0] == "remove_table"
        and difference[1].name.startswith(SQLITE_ONLY_TABLE_PREFIXES)
    )


_KINDS = {
    "UUID": "uuid",
    "VARCHAR": "text",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "DATETIME": "instant",
    "TIMESTAMP": "instant",
    "BLOB": "bytes",
    "BYTEA": "bytes",
}


def _kind(column_type: Any) -> str:
    """A column type in words both databases share (SQLite keeps a UUID as CHAR(32))."""
    name = type(column_type).__name__.upper()
    if name == "CHAR" and getattr(column_type, "length", None) == 32:
        return "uuid"
    kind = _KINDS.get(name, name)
    length = getattr(column_type, "length", None)
    return f"{kind}({length})" if kind == "text" and length else kind


def _schema(connection: sa.Connection) -> dict[str, Any]:
    """Tables, columns (name, nullability, generic type), keys, indexes and checks by name."""
    inspector = sa.inspect(connection)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table.startswith(SQLITE_ONLY_TABLE_PREFIXES):
            continue
        columns = {
            c["name"]: (c["nullable"], _kind(c["type"])) for c in inspector.get_columns(table)
        }
        schema[table] = {
            "columns": columns,
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(table)
            ),
            "unique": sorted(
                (u["name"], tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
                # PostgreSQL's index behind a UNIQUE, and its trigram indexes
                if not i.get("duplicates_constraint") and i["name"] not in postgresql_only_indexes()
            ),
            "checks": sorted(c["name"] for c in inspector.get_check_constraints(table)),
        }
    return schema


async def test_the_migrated_schema_is_the_schema_in_code(engine: AsyncEngine):
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_migrating_again_is_a_no_op(engine: AsyncEngine):
    async with engine.connect() as conn:
        before = await conn.run_sync(_schema)
    assert await migrate(engine) == (head(), head())
    async with engine.connect() as conn:
        assert await conn.run_sync(_schema) == before
        assert await conn.run_sync(_differences) == []


async def test_sqlite_and_postgresql_get_the_same_schema(
    sqlite_template_path: Path, postgres_url: str | None
):
    from adapters.persistence.sql.engine import create_engine
    from tests.conftest import require_or_skip

    if postgres_url is None:
        require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
    schemas = []
    audit_file = f"sqlite+aiosqlite:///{sqlite_template_path}{AUDIT_SUFFIX}"
    for url in (f"sqlite+aiosqlite:///{sqlite_template_path}", audit_file, postgres_url):
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                schemas.append(await conn.run_sync(_schema))
        finally:
            await engine.dispose()
    sqlite, sqlite_audit, postgres = schemas
    assert set(sqlite) & set(sqlite_audit) == set()  # the audit log is a file of its own
    sqlite |= sqlite_audit
    assert set(sqlite) == set(postgres)
    for table in sqlite:
        assert sqlite[table] == postgres[table], table


async def test_the_sqlite_audit_file_has_the_audit_tables_in_code(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'practice.db'}"
    await migrate_audit_file(url)
    await migrate_audit_file(url)  # again: a no-op
    from adapters.persistence.sql.engine import create_engine

    engine = create_engine(url + AUDIT_SUFFIX)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), audit_metadata
                )
            )
            heads = (await conn.exec_driver_sql("SELECT count(*) FROM audit_chain_head")).scalar()
    finally:
        await engine.dispose()
    assert differences == []
    assert heads == 1


def test_hearth_migrate_creates_the_default_database_from_any_directory(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-c", "import sys, bootstrap; sys.exit(bootstrap.main())", "migrate"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "-> " + str(head()) in first.stdout
    assert (tmp_path / "var" / "hearth.db").is_file()
    assert (tmp_path / "var" / ("hearth.db" + AUDIT_SUFFIX)).is_file()
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
