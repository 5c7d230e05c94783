"""The unbilled charges of a month without probing the invoice lines once per charge.

An invoice line copies its entry's date (`line_of`), and from this revision the database holds
it to that: a trigger on invoice_lines (before insert, before an update of entry_id or
occurred_on, on PostgreSQL and on SQLite) refuses a line whose `occurred_on` is not its
entry's (the ledger is never updated, so the two stay equal). The unbilled filter can then look
for the month's live lines only, by `ix_invoice_lines_occurred_on_entry_id (occurred_on,
entry_id) WHERE live`: at the large tier a hash of the 2,300 (or, for a month already billed,
30,000) live lines of the month instead of 28,880 lookups into the index of 870,000 lines. The
upgrade first checks the lines already stored and stops if one disagrees with its entry.

On PostgreSQL `ix_ledger_entries_occurred_on_kind` also carries (INCLUDE) the id, the payer and
the amount, so a month's sums by payer are read off the index alone, not off 6,000 heap pages
of the ledger.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_LINES_INDEX = "ix_invoice_lines_occurred_on_entry_id"
_LEDGER_INDEX = "ix_ledger_entries_occurred_on_kind"
_LEDGER_INCLUDE = ["id", "payer_kind", "payer_id", "amount_minor"]
_TRIGGER = "invoice_lines_entry_date"
_MESSAGE = "invoice line occurred_on differs from its ledger entry"
_DISAGREEING = """
SELECT count(*) FROM invoice_lines l JOIN ledger_entries e ON e.id = l.entry_id
 WHERE l.occurred_on <> e.occurred_on
"""

_PG_FUNCTION = f"""
CREATE FUNCTION {_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.occurred_on IS DISTINCT FROM
       (SELECT occurred_on FROM ledger_entries WHERE id = NEW.entry_id) THEN
        RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""
_PG_TRIGGER = (
    f"CREATE TRIGGER {_TRIGGER} BEFORE INSERT OR UPDATE OF entry_id, occurred_on "
    f"ON invoice_lines FOR EACH ROW EXECUTE FUNCTION {_TRIGGER}()"
)
_SQLITE_CHECK = (
    "WHEN NEW.occurred_on IS NOT "
    "(SELECT occurred_on FROM ledger_entries WHERE id = NEW.entry_id) "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
)
_SQLITE_TRIGGERS = {
    f"{_TRIGGER}_insert": f"BEFORE INSERT ON invoice_lines {_SQLITE_CHECK}",
    f"{_TRIGGER}_update": (
        f"BEFORE UPDATE OF entry_id, occurred_on ON invoice_lines {_SQLITE_CHECK}"
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    disagreeing = bind.execute(sa.text(_DISAGREEING)).scalar_one()
    if disagreeing:
        raise RuntimeError(
            f"{disagreeing} invoice lines have another date than their ledger entry; "
            "correct them before upgrading (the unbilled list relies on the two being equal)."
        )
    if postgres:
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        op.drop_index(_LEDGER_INDEX, table_name="ledger_entries")
        op.create_index(
            _LEDGER_INDEX,
            "ledger_entries",
            ["occurred_on", "kind"],
            postgresql_include=_LEDGER_INCLUDE,
        )
    else:
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.create_index(
        _LINES_INDEX,
        "invoice_lines",
        ["occurred_on", "entry_id"],
        postgresql_where=sa.text("live"),
        sqlite_where=sa.text("live"),
    )
    if postgres:
        op.execute("ANALYZE invoice_lines")
        op.execute("ANALYZE ledger_entries")


def downgrade() -> None:
    op.drop_index(_LINES_INDEX, table_name="invoice_lines")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(_LEDGER_INDEX, table_name="ledger_entries")
        op.create_index(_LEDGER_INDEX, "ledger_entries", ["occurred_on", "kind"])
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON invoice_lines")
        op.execute(f"DROP FUNCTION IF EXISTS {_TRIGGER}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
