"""The audit log's tables, on a MetaData of their own: on PostgreSQL they live in the practice's
database (migration 0005), on SQLite in a file of their own next to it (see sql/audit.py), so
that an entry per read never waits for the practice database's write lock."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime

audit_metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

audit_entries = sa.Table(
    "audit_entries",
    audit_metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.Uuid),
    sa.Column("on_behalf_of", sa.Uuid),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("object_type", sa.String(40), nullable=False),
    sa.Column("object_id", sa.Uuid),
    sa.Column("case_id", sa.Uuid),
    sa.Column("route", sa.String(200), nullable=False),
    sa.Column("client_address", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # Newest first per case, per object (a person), per staff member, per period: each listing
    # is one range of one index, keyset-paged on (at, seq).
    sa.Index(None, "case_id", "at", "seq"),
    sa.Index(None, "object_type", "object_id", "at", "seq"),
    sa.Index(None, "actor_id", "at", "seq"),
    sa.Index(None, "at", "seq"),
)

# One row: the last entry's position and hash. Appends lock it (FOR UPDATE on PostgreSQL; the
# audit file's write lock on SQLite), so concurrent appends form one chain.
audit_chain_head = sa.Table(
    "audit_chain_head",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint("id = 1", name="one_row"),
)


def schema_of(dialect: str) -> list[sa.MetaData]:
    """What Alembic migrates in a practice's database: on PostgreSQL the audit tables and the
    trigram indexes too, on SQLite not (the audit tables are in the audit file)."""
    from adapters.persistence.sql.tables.columns import metadata, without_postgresql_only

    if dialect == "postgresql":
        return [metadata, audit_metadata]
    return [without_postgresql_only(metadata)]
