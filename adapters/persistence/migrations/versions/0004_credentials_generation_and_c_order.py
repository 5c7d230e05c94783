"""Credentials get a generation (a new password ends older sessions); on PostgreSQL the name
indexes sort like the lists do (COLLATE "C", see `expressions.by_text`), so a page of cases,
people or organizations is read in index order instead of sorting every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (index, table, columns, the column ordered by code point)
_NAME_INDEXES = [
    ("ix_cases_name_folded_id", "cases", ["name_folded", "id"], "name_folded"),
    ("ix_people_legal_folded", "people", ["legal_folded"], "legal_folded"),
    ("ix_organizations_name_folded", "organizations", ["name_folded"], "name_folded"),
]


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("generation", sa.Integer(), server_default="1", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns, ordered in _NAME_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns, postgresql_ops={ordered: 'COLLATE "C"'})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns, _ordered in _NAME_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns)
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("generation")
