"""The web sessions table."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime, metadata

# Server-side web sessions (Litestar's store interface): opaque bytes with an optional expiry.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.LargeBinary, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Index(None, "expires_at"),
)
