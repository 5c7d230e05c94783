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
    sa.Column("expires_at", UtcDateTime),
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

# The owner's texts of reminders and notices (one row; a kind left out is the default).
message_templates = sa.Table(
    "message_templates",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("texts", sa.JSON, nullable=False),
    sa.Column("show_case_name", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
)

# The confirm / cancel links of messages: only the secret's hash; used once.
session_links = sa.Table(
    "session_links",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column(
        "appointment_id",
        sa.Uuid,
        sa.ForeignKey("appointments.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("person_id", sa.Uuid, nullable=False),
    sa.Column("start", UtcDateTime, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
    sa.Column("used_for", sa.String(CODE)),
    # A session's confirmations, for its page and the calendar.
    sa.Index(None, "appointment_id", "used_for"),
)
