"""A payer's sums off the index alone, on PostgreSQL.

A payer's balance, their statement's opening balance and the case page's money box sum the
amounts of a payer's ledger entries (in one currency, before a day). The index
`ix_ledger_entries_payer_kind_payer_id_occurred_on` found the entries but every amount was read
from the table: for the bench's busiest payer (a health plan, 5,500 entries) the statement's
opening balance visited 5,522 pages for 5 ms. The index now also carries (INCLUDE) the currency
and the amount, so those sums are index-only scans (the ledger only grows, so its pages stay
all-visible for PostgreSQL's visibility map once vacuumed). SQLite keeps the index as it was.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 02:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_INDEX = "ix_ledger_entries_payer_kind_payer_id_occurred_on"
_COLUMNS = ["payer_kind", "payer_id", "occurred_on"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_INDEX, table_name="ledger_entries")
    op.create_index(
        _INDEX, "ledger_entries", _COLUMNS, postgresql_include=["currency", "amount_minor"]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_INDEX, table_name="ledger_entries")
    op.create_index(_INDEX, "ledger_entries", _COLUMNS)
