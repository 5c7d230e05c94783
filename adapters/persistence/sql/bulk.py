"""Inserting many rows in one statement: on PostgreSQL an `INSERT ... SELECT unnest(...)` with
one array per column (one round trip, a handful of bound parameters whatever the number of
rows); elsewhere the driver's executemany, in chunks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK = 5000  # rows per executemany: bounds the memory of one call


async def insert_rows(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        for at in range(0, len(rows), CHUNK):
            await conn.execute(sa.insert(table), list(rows[at : at + CHUNK]))
        return
    columns = list(rows[0])
    # Set-returning functions side by side in one select list run in step (PostgreSQL 10+).
    arrays = [
        sa.func.unnest(
            sa.bindparam(None, [r[c] for r in rows], type_=postgresql.ARRAY(table.c[c].type))
        )
        for c in columns
    ]
    await conn.execute(sa.insert(table).from_select(columns, sa.select(*arrays)))
