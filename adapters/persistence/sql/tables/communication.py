"""Communication's tables: the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import CODE, EMAIL, UtcDateTime, metadata

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    # One message per purpose: a handler that runs twice queues it once.
    sa.Column("delivery_key", sa.String(200), nullable=False, unique=True),
    sa.Column("channel", sa.String(CODE), nullable=False),
    sa.Column("recipient", sa.String(EMAIL), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column(
        "calendar", sa.Text, nullable=False, server_default=sa.text("''")
    ),  # an .ics attachment
    sa.Column("person_id", sa.Uuid),
    sa.Column("case_id", sa.Uuid),
    sa.Column("state", sa.String(CODE), nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("claimed_until", UtcDateTime),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.String(500), nullable=False),
    sa.Column("provider_id", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("handled_by", sa.Uuid),
    # The worker's claim: the due pending messages in time order, one range of one index.
    sa.Index(None, "state", "due_at"),
)
