"""Payments: card attempts and payments keyed by their idempotency key, cards on file (the
processor's ids, brand and last four digits, the payer's consent), processor events.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _payer() -> list[sa.Column]:
    return [
        sa.Column("payer_kind", sa.String(length=32), nullable=False),
        sa.Column("payer_id", sa.Uuid(), nullable=False),
    ]


def _amount() -> list[sa.Column]:
    return [
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
    ]


def _staff_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["staff.id"], name=op.f(f"fk_{table}_{column}_staff"))


def upgrade() -> None:
    op.create_table(
        "card_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        *_payer(),
        *_amount(),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invoice_ids", sa.JSON(), nullable=False),
        sa.Column("autopay", sa.Boolean(), nullable=False),
        sa.Column("started_by", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("charge_reference", sa.String(length=255), nullable=False),
        sa.Column("decline_code", sa.String(length=100), nullable=False),
        sa.Column("decline_message", sa.String(length=300), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _staff_fk("card_attempts", "started_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_attempts")),
        sa.UniqueConstraint("key", name=op.f("uq_card_attempts_key")),
    )
    op.create_index(
        op.f("ix_card_attempts_state_started_at"), "card_attempts", ["state", "started_at"]
    )
    op.create_index(
        op.f("ix_card_attempts_state_finished_at"), "card_attempts", ["state", "finished_at"]
    )
    op.create_index(
        op.f("ix_card_attempts_payer_kind_payer_id_started_at"),
        "card_attempts",
        ["payer_kind", "payer_id", "started_at"],
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        *_payer(),
        *_amount(),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("applied_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payments_positive")),
        sa.CheckConstraint(
            "applied_minor >= 0 AND refunded_minor >= 0"
            " AND applied_minor + refunded_minor <= amount_minor",
            name=op.f("ck_payments_within_amount"),
        ),
        _staff_fk("payments", "recorded_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("key", name=op.f("uq_payments_key")),
    )
    op.create_index(
        op.f("ix_payments_payer_kind_payer_id_received_on"),
        "payments",
        ["payer_kind", "payer_id", "received_on"],
    )
    op.create_table(
        "cards_on_file",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_payer(),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("method_id", sa.String(length=255), nullable=False),
        sa.Column("brand", sa.String(length=30), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_text", sa.String(length=2000), nullable=False),
        sa.Column("consented_by", sa.Uuid(), nullable=True),
        sa.Column("autopay", sa.Boolean(), nullable=False),
        sa.Column("declines", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _staff_fk("cards_on_file", "consented_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards_on_file")),
    )
    op.create_table(
        "processor_events",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processor_events")),
    )


def downgrade() -> None:
    op.drop_table("processor_events")
    op.drop_table("cards_on_file")
    op.drop_index(op.f("ix_payments_payer_kind_payer_id_received_on"), table_name="payments")
    op.drop_table("payments")
    for index in (
        "ix_card_attempts_payer_kind_payer_id_started_at",
        "ix_card_attempts_state_finished_at",
        "ix_card_attempts_state_started_at",
    ):
        op.drop_index(op.f(index), table_name="card_attempts")
    op.drop_table("card_attempts")
