"""PostgreSQL: trigram indexes for the name searches, and no JIT for the practice's database.

- `pg_trgm` GIN indexes on the folded names (and emails) that the searches match with
  `LIKE '%x%'` (cases, people, organizations): each column exactly as the queries use it, so a
  search reads an index instead of the whole table.
- `jit = off` for the database (new sessions): the screens' queries are short, and PostgreSQL
  compiled a case list's plan for 250-360 ms to run it in 4 ms.

SQLite: nothing (a leading-wildcard LIKE reads the table there, fast enough at a practice's size).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, column): as `adapters.persistence.sql.tables` declares them (`trigram_index`).
TRIGRAM = (
    ("cases", "name_folded"),
    ("people", "legal_folded"),
    ("people", "preferred_folded"),
    ("people", "email"),
    ("organizations", "name_folded"),
    ("organizations", "email"),
)

_JIT = "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I {}', current_database()); END $$"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in TRIGRAM:
        op.create_index(
            f"ix_{table}_{column}_trgm",
            table,
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
    op.execute(_JIT.format("SET jit = off"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_JIT.format("RESET jit"))
    for table, column in TRIGRAM:
        op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
