"""The child rows of aggregates stored as a row and child tables (a case's lists, an
appointment's providers, attendance and codes), for the parents whose ids are bound as `ids`:
one query per child table on SQLite, one statement for all of them on PostgreSQL.

Every statement is a round trip and ~0.3 ms of the driver's and SQLAlchemy's CPU; a case (six
child tables) and appointments (three) are loaded on nearly every screen. On PostgreSQL each
child row comes back as a JSON array of its columns (`json_build_array`), tagged with its
table, and each value is turned back into what the column's type gives Python (UUID, date, UTC
instant), so the rows are the same as the separate queries' — the case store compares them
with the rows it writes. SQLite keeps its queries: an embedded database has no round trip to
save."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql.expressions import among_bound
from adapters.persistence.sql.tables.columns import UtcDateTime

Row = dict[str, Any]
ByParent = dict[Any, list[Row]]


@functools.cache
def child_queries(
    tables: tuple[sa.Table, ...], dialect: str, parent: str = "case_id"
) -> tuple[sa.Select[Any], ...]:
    """Each table's rows (in list order), built once (building these and their cache keys for
    every aggregate loaded cost more CPU than running them)."""
    queries = []
    for table in tables:
        query = sa.select(table).where(among_bound(table.c[parent], "ids", dialect))
        if "position" in table.c:
            query = query.order_by(table.c.position)
        queries.append(query)
    return tuple(queries)


# asyncpg writes the first and last day (and instant) Python has as PostgreSQL's -infinity
# and infinity, and reads those back as them; JSON gives the words.
_DAYS = {"infinity": date.max, "-infinity": date.min}
_INSTANTS = {
    "infinity": datetime.max.replace(tzinfo=UTC),
    "-infinity": datetime.min.replace(tzinfo=UTC),
}


def _instant(text: str) -> datetime:
    found = _INSTANTS.get(text)
    return found if found is not None else datetime.fromisoformat(text).astimezone(UTC)


def _day(text: str) -> date:
    found = _DAYS.get(text)
    return found if found is not None else date.fromisoformat(text)


def _reader(column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    """How a JSON value of this column becomes its Python value (None: it is one already)."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return _instant
    if isinstance(kind, sa.Uuid):
        return UUID
    if isinstance(kind, sa.Date):
        return _day
    if isinstance(kind, (sa.Integer, sa.String, sa.Boolean)):
        return None
    raise TypeError(f"child_rows: no JSON reader for {column} ({kind!r})")


@functools.cache
def _in_one(tables: tuple[sa.Table, ...], parent: str) -> tuple[Any, tuple[Any, ...]]:
    """The PostgreSQL statement (child index, position, the row as JSON text) and each table's
    (column names, readers)."""
    parts = []
    for i, table in enumerate(tables):
        order = table.c.position if "position" in table.c else sa.literal_column("0")
        parts.append(
            sa.select(
                sa.literal_column(str(i)).label("child"),
                order.label("ord"),
                sa.cast(sa.func.json_build_array(*table.c), sa.Text).label("row"),
            ).where(among_bound(table.c[parent], "ids", "postgresql"))
        )
    query = sa.union_all(*parts).order_by("child", "ord")
    shapes = tuple(
        (tuple(c.name for c in table.c), tuple(_reader(c) for c in table.c)) for table in tables
    )
    return query, shapes


def _typed(names: Sequence[str], readers: Sequence[Any], values: list[Any]) -> Row:
    return {
        name: value if read is None or value is None else read(value)
        for name, read, value in zip(names, readers, values, strict=True)
    }


async def child_rows(
    conn: AsyncConnection,
    tables: tuple[sa.Table, ...],
    bound: dict[str, Any],
    parent: str = "case_id",
) -> list[ByParent]:
    """For each table (in order), its rows by the parent's id (column `parent`), each list in
    position order where the table has one."""
    found: list[ByParent] = [defaultdict(list) for _ in tables]
    if conn.dialect.name == "postgresql":
        query, shapes = _in_one(tables, parent)
        for child, _, text in (await conn.execute(query, bound)).tuples():
            names, readers = shapes[child]
            row = _typed(names, readers, json.loads(text))
            found[child][row[parent]].append(row)
        return found
    for i, query in enumerate(child_queries(tables, conn.dialect.name, parent)):
        result = await conn.execute(query, bound)
        keys = tuple(result.keys())
        for values in result.tuples():
            row = dict(zip(keys, values, strict=True))
            found[i][row[parent]].append(row)
    return found
