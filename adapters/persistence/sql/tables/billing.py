"""Billing's tables: the ledger (append-only), invoices with their frozen lines, the invoice
number counter, allocations of payments to invoices, and fee overrides."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import CODE, NAME, UtcDateTime, metadata

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("payer_kind", sa.String(CODE), nullable=False),
    sa.Column("payer_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.String(CODE), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("cause_kind", sa.String(CODE), nullable=False),
    sa.Column("cause_id", sa.Uuid, nullable=False),
    sa.Column("cause_participant_id", sa.Uuid),
    sa.Column("case_id", sa.Uuid),
    sa.Column("participant_id", sa.Uuid),
    sa.Column("service_id", sa.Uuid),
    sa.Column("code", sa.String(16)),
    sa.Column("of_total_minor", sa.BigInteger),
    # Unique: an entry is reversed once, however many writers try at the same moment.
    sa.Column("reverses", sa.Uuid, unique=True),
    sa.Column("recorded_by", sa.Uuid),
    sa.Column("memo", sa.String(500), nullable=False),
    # A payer's statement and balance; the entries of one appointment (re-making its
    # charges); a case's balance; the unbilled charges of a period (on PostgreSQL with what
    # their sums by payer read, off the index alone: migration 0022).
    sa.Index(
        None,
        "payer_kind",
        "payer_id",
        "occurred_on",
        postgresql_include=["currency", "amount_minor"],  # a payer's sums: migration 0024
    ),
    sa.Index(None, "cause_id"),
    sa.Index(None, "case_id"),
    sa.Index(
        None,
        "occurred_on",
        "kind",
        postgresql_include=["id", "payer_kind", "payer_id", "amount_minor"],
    ),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("payer_kind", sa.String(CODE), nullable=False),
    sa.Column("payer_id", sa.Uuid, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.Uuid),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("status", sa.String(CODE), nullable=False),
    sa.Column("number", sa.Integer, unique=True),
    sa.Column("issued_on", sa.Date),
    sa.Column("issued_at", UtcDateTime),
    sa.Column("due_on", sa.Date),
    sa.Column("voided_at", UtcDateTime),
    sa.Column("void_reason", sa.String(500), nullable=False),
    sa.Column("replaces", sa.Uuid),
    sa.Column("paid_at", UtcDateTime),
    sa.Column("total_minor", sa.BigInteger, nullable=False),  # of the lines, for the lists
    # The sum of its allocations, kept by a trigger on invoice_allocations (migration 0023).
    sa.Column("paid_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("version", sa.Integer, nullable=False),
    # The invoice list (by status, newest number first), a payer's invoices by period, aging.
    sa.Index(None, "status", "number"),
    sa.Index(None, "payer_kind", "payer_id", "period_start", "period_end"),
    sa.Index(None, "period_start", "period_end"),
    sa.Index(None, "issued_on"),
    # Aging: the open invoices, with all it reads (an index-only scan).
    sa.Index(
        "ix_invoices_issued",
        "payer_kind",
        "payer_id",
        "issued_on",
        "total_minor",
        "paid_minor",
        postgresql_where=sa.text("status = 'issued'"),
        sqlite_where=sa.text("status = 'issued'"),
    ),
)


def is_issued() -> sa.ColumnElement[bool]:
    """`status = 'issued'` with the value in the statement, as ix_invoices_issued's predicate
    has it: a prepared statement's generic plan can then still use the partial index."""
    return invoices.c.status == sa.literal_column("'issued'")


invoice_lines = sa.Table(
    "invoice_lines",
    metadata,
    sa.Column(
        "invoice_id",
        sa.Uuid,
        sa.ForeignKey("invoices.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("entry_id", sa.Uuid, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("description", sa.String(NAME), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("code", sa.String(16)),
    sa.Column("participant_id", sa.Uuid),
    sa.Column("participant_name", sa.String(NAME), nullable=False),
    sa.Column("case_id", sa.Uuid),
    sa.Column("appointment_id", sa.Uuid),
    # False once its invoice is void: the charge may then be billed again.
    sa.Column("live", sa.Boolean, nullable=False),
    # A charge is on one live invoice at most, whatever races to bill it.
    sa.Index(
        "uq_invoice_lines_live_entry",
        "entry_id",
        unique=True,
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    ),
    # The live lines of a period: what the unbilled list leaves out. A line's occurred_on is
    # its entry's, which a trigger holds it to (migration 0022).
    sa.Index(
        None,
        "occurred_on",
        "entry_id",
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    ),
)

invoice_counter = sa.Table(
    "invoice_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("last_number", sa.Integer, nullable=False),
)

invoice_allocations = sa.Table(
    "invoice_allocations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("payment_entry_id", sa.Uuid, nullable=False),
    sa.Column("invoice_id", sa.Uuid, sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index(None, "invoice_id"),
    sa.Index(None, "payment_entry_id"),
)

fee_overrides = sa.Table(
    "fee_overrides",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("person_id", sa.Uuid),
    sa.Column("service_id", sa.Uuid),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("fee_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("recorded_at", UtcDateTime),  # 0022: of two from one date, the later one counts
    sa.Index(None, "case_id"),
)
