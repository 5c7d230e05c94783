"""Payments: card attempts and payments keyed by the id their key gives (a second row with the
same key is refused by the primary key and the unique key), cards on file, processor events."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import CODE, UtcDateTime, metadata

KEY = 200


def _payer() -> list[sa.Column]:
    return [
        sa.Column("payer_kind", sa.String(CODE), nullable=False),
        sa.Column("payer_id", sa.Uuid, nullable=False),
    ]


def _amount(prefix: str = "amount") -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    ]


card_attempts = sa.Table(
    "card_attempts",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("key", sa.String(KEY), nullable=False, unique=True),
    *_payer(),
    *_amount(),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("invoice_ids", sa.JSON, nullable=False),
    sa.Column("autopay", sa.Boolean, nullable=False),
    sa.Column("started_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("state", sa.String(CODE), nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("charge_reference", sa.String(255), nullable=False),
    sa.Column("decline_code", sa.String(100), nullable=False),
    sa.Column("decline_message", sa.String(300), nullable=False),
    sa.Column("payment_id", sa.Uuid),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index(None, "state", "started_at"),
    sa.Index(None, "state", "finished_at"),
    sa.Index(None, "payer_kind", "payer_id", "started_at"),
)

payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("key", sa.String(KEY), nullable=False, unique=True),
    *_payer(),
    *_amount(),
    sa.Column("method", sa.String(CODE), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("recorded_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("reference", sa.String(255), nullable=False),
    sa.Column("memo", sa.String(500), nullable=False),
    sa.Column("applied_minor", sa.BigInteger, nullable=False),
    sa.Column("refunded_minor", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("amount_minor > 0", name="positive"),
    sa.CheckConstraint(
        "applied_minor >= 0 AND refunded_minor >= 0"
        " AND applied_minor + refunded_minor <= amount_minor",
        name="within_amount",
    ),
    sa.Index(None, "payer_kind", "payer_id", "received_on"),
)

cards_on_file = sa.Table(
    "cards_on_file",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),  # the payer's id
    *_payer(),
    sa.Column("customer_id", sa.String(255), nullable=False),
    sa.Column("method_id", sa.String(255), nullable=False),
    sa.Column("brand", sa.String(30), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("consent_at", UtcDateTime),
    sa.Column("consent_text", sa.String(2000), nullable=False),
    sa.Column("consented_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("autopay", sa.Boolean, nullable=False),
    sa.Column("declines", sa.Integer, nullable=False),
    sa.Column("paused_at", UtcDateTime),
    sa.Column("version", sa.Integer, nullable=False),
)

processor_events = sa.Table(
    "processor_events",
    metadata,
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
)
