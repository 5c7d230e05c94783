"""Small query pieces whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def fold(text: str | None) -> str:
    """What the `*_folded` columns hold, and what a search needle is compared with."""
    return (text or "").casefold()


def among(column: sa.ColumnElement[UUID], ids: Iterable[UUID], dialect: str) -> sa.ColumnElement:
    """`column IN ids` as ONE bound parameter whatever the number of ids, so that a screen over
    ten thousand cases sends the same statements as one over ten (and stays under the drivers'
    limits on bound parameters): an array on PostgreSQL, a JSON list on SQLite."""
    ids = list(ids)
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Uuid)))
    # sa.Uuid keeps a UUID as 32 hex digits on SQLite.
    listed: sa.Select[tuple[Any]] = sa.select(sa.literal_column("value")).select_from(
        sa.func.json_each(sa.bindparam(None, json.dumps([i.hex for i in ids]), type_=sa.String))
    )
    return column.in_(listed.scalar_subquery())


def by_text(column: sa.ColumnElement[str], dialect: str) -> sa.ColumnElement[str]:
    """Order by code point, as Python sorts strings (PostgreSQL otherwise uses its locale)."""
    return column.collate("C") if dialect == "postgresql" else column


# pg_trgm looks a `LIKE '%x%'` up by the three-character pieces of x: a shorter x has none.
TRIGRAM = 3


def contains(column: sa.ColumnElement[str], needle: str) -> sa.ColumnElement[bool]:
    return column.contains(needle, autoescape=True)
