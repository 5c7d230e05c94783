"""Column types and shapes every table shares."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeDecorator

NAME = 200  # core.domain.shared.values.MAX_NAME


EMAIL = 254


PHONE = 20


CODE = 32  # enum values


def by_code_point(column: str) -> dict[str, str]:
    """PostgreSQL index option: `column` in code-point order, as the lists sort it
    (`expressions.by_text`); an index in the default collation cannot serve that order."""
    return {column: 'COLLATE "C"'}


# Indexes only PostgreSQL has (see `trigram_index`); `postgresql_only_indexes` lists them.
_POSTGRESQL_ONLY: set[str] = set()


def trigram_index(table: str, column: str) -> sa.Index:
    """PostgreSQL: a pg_trgm GIN index on `column`, which serves `column LIKE '%x%'` (the
    searches, `expressions.bound_like`) with the column exactly as indexed; the pg_trgm extension
    comes with migration 0006. SQLite has no such index: it reads the table for a LIKE with a
    leading wildcard, which at a practice's size on one machine stays fast."""
    name = f"ix_{table}_{column}_trgm"
    _POSTGRESQL_ONLY.add(name)
    return sa.Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def postgresql_only(index: sa.Index) -> sa.Index:
    """Mark an index that only PostgreSQL has (a full-text GIN index, say)."""
    _POSTGRESQL_ONLY.add(str(index.name))
    return index


# Tables only SQLite has: FTS5 search indexes and their shadow tables (see migration 0013).
SQLITE_ONLY_TABLE_PREFIXES = ("note_search_fts",)


def postgresql_only_indexes() -> frozenset[str]:
    return frozenset(_POSTGRESQL_ONLY)


def without_postgresql_only(source: sa.MetaData) -> sa.MetaData:
    """`source` as another database has it: a copy without the PostgreSQL-only indexes."""
    copy = sa.MetaData(naming_convention=source.naming_convention)
    for table in source.sorted_tables:
        copied = table.to_metadata(copy)
        for index in list(copied.indexes):
            if index.name in _POSTGRESQL_ONLY:
                copied.indexes.discard(index)
    return copy


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, always timezone-aware UTC in Python. SQLite keeps no offset, so the value is
    stored there as naive UTC (its text form then sorts in time order)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Instants are timezone-aware.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _period() -> list[SchemaItem]:
    """An inclusive span of days: `start_on` .. `end_on` (NULL while it runs)."""
    return [
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("end_on", sa.Date),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="period"),
    ]


def case_child(name: str, *columns: SchemaItem) -> sa.Table:
    """A list inside the case aggregate: rows with their own id, removed with the case."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        # The aggregate's lists keep their order: `position` is the index in the list.
        sa.Column("position", sa.Integer, nullable=False),
        *columns,
        *_period(),
        sa.Index(None, "case_id"),
    )


def change_mark(prefix: str, *, required: bool) -> list[sa.Column]:
    """Who changed something, when, and for which clinician (see `ChangeMark`)."""
    return [
        sa.Column(f"{prefix}_by", sa.Uuid, sa.ForeignKey("staff.id")),
        sa.Column(f"{prefix}_at", UtcDateTime, nullable=not required),
        sa.Column(f"{prefix}_for", sa.Uuid, sa.ForeignKey("staff.id")),
    ]
