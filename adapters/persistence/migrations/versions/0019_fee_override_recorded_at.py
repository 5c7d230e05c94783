"""When a case's or participant's own fee was set: of two fees from the same date, the one set
later is the fee (a correction). Fees set before this revision have none and count as earlier.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 17:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.persistence.sql.tables.columns import UtcDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fee_overrides") as batch:
        batch.add_column(sa.Column("recorded_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fee_overrides") as batch:
        batch.drop_column("recorded_at")
