"""Insert-or-update as one statement (`INSERT ... ON CONFLICT DO UPDATE`), which SQLite and
PostgreSQL both have: concurrent writers of one key take turns on the row instead of one of
them meeting the unique key (as delete-then-insert did on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

Changes = Callable[[Any], Mapping[str, Any]]


def upsert(
    dialect: str,
    table: sa.Table,
    values: Mapping[str, Any],
    key: Sequence[str],
    changes: Changes | None = None,
) -> Any:
    """Insert `values`; when a row with the same `key` exists, update it with `changes(excluded)`
    (`excluded` is the row that was to be inserted), or with every non-key value by default."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**values)
    excluded = statement.excluded
    if changes is None:
        updated = {name: excluded[name] for name in values if name not in key}
    else:
        updated = dict(changes(excluded))
    return statement.on_conflict_do_update(index_elements=list(key), set_=updated)
