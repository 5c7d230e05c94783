"""Small query pieces whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

E = TypeVar("E", bound=Enum)


def fold(text: str | None) -> str:
    """What the `*_folded` columns hold, and what a search needle is compared with."""
    return (text or "").casefold()


def among(column: sa.ColumnElement[UUID], ids: Iterable[UUID], dialect: str) -> sa.ColumnElement:
    """`column IN ids` as ONE bound parameter whatever the number of ids, so that a screen over
    ten thousand cases sends the same statements as one over ten (and stays under the drivers'
    limits on bound parameters): an array on PostgreSQL, a JSON list on SQLite."""
    return _among(column, None, among_value(ids, dialect), dialect)


def among_bound(column: sa.ColumnElement[UUID], name: str, dialect: str) -> sa.ColumnElement:
    """`among` with its one parameter named `name`, given at execution as `among_value(ids)`:
    for a statement built once and run many times."""
    return _among(column, name, None, dialect)


def among_value(ids: Iterable[UUID], dialect: str) -> Any:
    """The value of `among`'s one parameter."""
    if dialect == "postgresql":
        return list(ids)
    return json.dumps([i.hex for i in ids])  # sa.Uuid keeps a UUID as 32 hex digits on SQLite


def _among(
    column: sa.ColumnElement[UUID], name: str | None, value: Any, dialect: str
) -> sa.ColumnElement:
    """With `name`, a required parameter given at execution; without, `value` bound now."""
    kind: Any = postgresql.ARRAY(sa.Uuid) if dialect == "postgresql" else sa.String
    param: sa.BindParameter[Any] = (
        sa.bindparam(name, type_=kind) if name else sa.bindparam(None, value, type_=kind)
    )
    if dialect == "postgresql":
        return column == sa.any_(param)
    listed: sa.Select[tuple[Any]] = sa.select(sa.literal_column("value")).select_from(
        sa.func.json_each(param)
    )
    return column.in_(listed.scalar_subquery())


def by_text(column: sa.ColumnElement[str], dialect: str) -> sa.ColumnElement[str]:
    """Order by code point, as Python sorts strings (PostgreSQL otherwise uses its locale)."""
    return column.collate("C") if dialect == "postgresql" else column


# pg_trgm looks a `LIKE '%x%'` up by the three-character pieces of x: a shorter x has none.
TRIGRAM = 3


_ESCAPE = "/"


def like_pattern(needle: str) -> str:
    """`needle` anywhere, as a LIKE pattern for `bound_like`: its %, _ and / taken literally
    (as SQLAlchemy's `contains(..., autoescape=True)` would take them)."""
    escaped = needle.replace(_ESCAPE, _ESCAPE * 2).replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def bound_like(column: sa.ColumnElement[str], pattern: Any) -> sa.ColumnElement[bool]:
    """`column LIKE pattern` with `like_pattern`'s escape: for a statement built once, the
    pattern bound at execution."""
    return column.like(pattern, escape=_ESCAPE)


def stored(enum: type[E]) -> Callable[[str], E]:
    """The member of `enum` a stored value names, by a dict lookup: what the store wrote was a
    member's value, so it is not checked again (`Enum(value)` costs a call through the enum's
    metaclass; it was a twentieth of a case list's CPU)."""
    return {m.value: m for m in enum}.__getitem__
