"""An invoice's paid amount, kept by the database: `invoices.paid_minor`.

What an invoice has had applied is the sum of its allocations (payments in, refunds out). The
aging report, the invoice list and a payer's open invoices read it per invoice; summing the
allocations for each of the 7,500 issued invoices of the bench's large tier was 50 to 90 ms of
every aging page. From this revision a trigger on invoice_allocations (after insert, after
delete, after an update of invoice_id or amount_minor, on PostgreSQL and on SQLite) adds each
allocation to its invoice's `paid_minor` and takes it off again, so no row written, changed or
deleted through any code path or hand-written statement leaves it stale (what bypasses row
triggers does: TRUNCATE, triggers disabled, a data-only restore with --disable-triggers). It
adds and subtracts rather than re-summing: two transactions allocating to one invoice at once
then both count (the second's update waits for the first's row and adds to what it committed,
where a sum read in the second's snapshot would have lost the first's allocation).

A backup keeps the column as stored: pg_restore and the SQLite file copy load the rows without
firing the trigger (pg_restore creates triggers after the data), and a restore is checked
against the manifest's row counts. The upgrade sets the column from the allocations already
stored.

`ix_invoices_issued (payer_kind, payer_id, issued_on, total_minor, paid_minor) WHERE status =
'issued'` holds everything aging reads, so aging is an index-only scan of the open invoices.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 02:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_INDEX = "ix_invoices_issued"
_ISSUED = sa.text("status = 'issued'")
_COLUMNS = ["payer_kind", "payer_id", "issued_on", "total_minor", "paid_minor"]
_TRIGGER = "invoice_allocations_keep_paid"
_BACKFILL = """
UPDATE invoices SET paid_minor = (
    SELECT coalesce(sum(a.amount_minor), 0) FROM invoice_allocations a
     WHERE a.invoice_id = invoices.id)
 WHERE EXISTS (SELECT 1 FROM invoice_allocations a WHERE a.invoice_id = invoices.id)
"""
_ADD = "UPDATE invoices SET paid_minor = paid_minor + NEW.amount_minor WHERE id = NEW.invoice_id;"
_TAKE = "UPDATE invoices SET paid_minor = paid_minor - OLD.amount_minor WHERE id = OLD.invoice_id;"

_PG_FUNCTION = f"""
CREATE FUNCTION {_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_TAKE}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_ADD}
    END IF;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = (
    f"CREATE TRIGGER {_TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF invoice_id, amount_minor "
    f"ON invoice_allocations FOR EACH ROW EXECUTE FUNCTION {_TRIGGER}()"
)
_SQLITE_TRIGGERS = {
    f"{_TRIGGER}_insert": f"AFTER INSERT ON invoice_allocations BEGIN {_ADD} END",
    f"{_TRIGGER}_update": (
        f"AFTER UPDATE OF invoice_id, amount_minor ON invoice_allocations BEGIN {_TAKE} {_ADD} END"
    ),
    f"{_TRIGGER}_delete": f"AFTER DELETE ON invoice_allocations BEGIN {_TAKE} END",
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "invoices",
        sa.Column("paid_minor", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.execute(_BACKFILL)
    if postgres:
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.create_index(_INDEX, "invoices", _COLUMNS, postgresql_where=_ISSUED, sqlite_where=_ISSUED)
    if postgres:
        op.execute("ANALYZE invoices")


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="invoices")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON invoice_allocations")
        op.execute(f"DROP FUNCTION IF EXISTS {_TRIGGER}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+), not a batch copy: dropping the copied
    # table would delete through the foreign keys of every invoice's lines and allocations.
    op.execute("ALTER TABLE invoices DROP COLUMN paid_minor")
