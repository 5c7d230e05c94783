"""Alembic, configured in code: `hearth migrate` works from any directory and from an installed
package, with no alembic.ini to find."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.audit import migrate_audit_file
from adapters.persistence.sql.engine import async_url, create_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None, connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # ConfigParser treats % as interpolation; a password may contain one.
        config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: sa.Connection) -> None:
    command.upgrade(alembic_config(connection=connection), "head")


def _current(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def migrate(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """Bring the database to the newest revision; (revision before, revision after)."""
    async with engine.connect() as conn:
        before = await conn.run_sync(_current)
        await conn.run_sync(_upgrade)
        await conn.commit()
        after = await conn.run_sync(_current)
        await conn.rollback()
    return before, after


async def migrate_url(url: str) -> tuple[str | None, str | None]:
    """Migrate the practice's database and, on SQLite, its audit file next to it."""
    engine = create_engine(url)
    try:
        revisions = await migrate(engine)
    finally:
        await engine.dispose()
    if engine.dialect.name == "sqlite":
        await migrate_audit_file(url)
    return revisions
