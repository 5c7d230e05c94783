"""A case's booking and coding defaults: its usual service (preselected by every booking form)
and, for couples and families, the member named as identified client (90847 / 90846). Plain
columns: a foreign key would make SQLite rebuild `cases`, whose children cascade.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("usual_service_id", sa.Uuid(), nullable=True))
    op.add_column("cases", sa.Column("identified_client_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place (a batch rebuild would cascade to the children)
    op.drop_column("cases", "identified_client_id")
    op.drop_column("cases", "usual_service_id")
