"""Alembic's entry point. Runs on the connection `hearth migrate` (or a test) hands over in
`config.attributes["connection"]`, else on the async engine of `sqlalchemy.url`."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context

from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.tables.audit import schema_of

config = context.config


def run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        # PostgreSQL keeps the audit tables in the practice's database; SQLite in a file of
        # their own (adapters/persistence/sql/audit.py).
        target_metadata=schema_of(connection.dialect.name),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("hearth migrate runs against a database, not offline.")
given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    asyncio.run(run_on_engine(config.get_main_option("sqlalchemy.url", "")))
