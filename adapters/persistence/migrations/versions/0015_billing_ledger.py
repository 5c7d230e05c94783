"""Billing: the append-only ledger, invoices with frozen lines and their number counter,
allocations of payments to invoices, fee overrides per case and participant.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "practice",
        sa.Column("tax_id", sa.String(length=200), nullable=False, server_default=sa.text("''")),
    )
    op.create_table(
        "invoice_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_counter")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payer_kind", sa.String(length=32), nullable=False),
        sa.Column("payer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=False),
        sa.Column("replaces", sa.Uuid(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    op.create_index(op.f("ix_invoices_issued_on"), "invoices", ["issued_on"], unique=False)
    op.create_index(
        op.f("ix_invoices_payer_kind_payer_id_period_start_period_end"),
        "invoices",
        ["payer_kind", "payer_id", "period_start", "period_end"],
        unique=False,
    )
    op.create_index(
        op.f("ix_invoices_period_start_period_end"),
        "invoices",
        ["period_start", "period_end"],
        unique=False,
    )
    op.create_index(
        op.f("ix_invoices_status_number"), "invoices", ["status", "number"], unique=False
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payer_kind", sa.String(length=32), nullable=False),
        sa.Column("payer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause_kind", sa.String(length=32), nullable=False),
        sa.Column("cause_id", sa.Uuid(), nullable=False),
        sa.Column("cause_participant_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("participant_id", sa.Uuid(), nullable=True),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("of_total_minor", sa.BigInteger(), nullable=True),
        sa.Column("reverses", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("reverses", name=op.f("uq_ledger_entries_reverses")),
    )
    op.create_index(op.f("ix_ledger_entries_case_id"), "ledger_entries", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_ledger_entries_cause_id"), "ledger_entries", ["cause_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_entries_occurred_on_kind"),
        "ledger_entries",
        ["occurred_on", "kind"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ledger_entries_payer_kind_payer_id_occurred_on"),
        "ledger_entries",
        ["payer_kind", "payer_id", "occurred_on"],
        unique=False,
    )
    op.create_table(
        "fee_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_fee_overrides_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_overrides")),
    )
    op.create_index(op.f("ix_fee_overrides_case_id"), "fee_overrides", ["case_id"], unique=False)
    op.create_table(
        "invoice_allocations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_entry_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_allocations_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_allocations")),
    )
    op.create_index(
        op.f("ix_invoice_allocations_invoice_id"),
        "invoice_allocations",
        ["invoice_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_invoice_allocations_payment_entry_id"),
        "invoice_allocations",
        ["payment_entry_id"],
        unique=False,
    )
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("participant_id", sa.Uuid(), nullable=True),
        sa.Column("participant_name", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_invoice_lines_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invoice_id", "entry_id", name=op.f("pk_invoice_lines")),
    )
    op.create_index(
        "uq_invoice_lines_live_entry",
        "invoice_lines",
        ["entry_id"],
        unique=True,
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    )


def downgrade() -> None:
    op.drop_column("practice", "tax_id")
    op.drop_index(
        "uq_invoice_lines_live_entry",
        table_name="invoice_lines",
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    )
    op.drop_table("invoice_lines")
    op.drop_index(op.f("ix_invoice_allocations_payment_entry_id"), table_name="invoice_allocations")
    op.drop_index(op.f("ix_invoice_allocations_invoice_id"), table_name="invoice_allocations")
    op.drop_table("invoice_allocations")
    op.drop_index(op.f("ix_fee_overrides_case_id"), table_name="fee_overrides")
    op.drop_table("fee_overrides")
    op.drop_index(
        op.f("ix_ledger_entries_payer_kind_payer_id_occurred_on"), table_name="ledger_entries"
    )
    op.drop_index(op.f("ix_ledger_entries_occurred_on_kind"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_cause_id"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_case_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index(op.f("ix_invoices_status_number"), table_name="invoices")
    op.drop_index(op.f("ix_invoices_period_start_period_end"), table_name="invoices")
    op.drop_index(
        op.f("ix_invoices_payer_kind_payer_id_period_start_period_end"), table_name="invoices"
    )
    op.drop_index(op.f("ix_invoices_issued_on"), table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_counter")
