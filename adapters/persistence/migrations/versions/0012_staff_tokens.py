"""Staff tokens: single-use, expiring links for a password reset or an invitation; people found
by mobile number (an inbound SMS names its sender by number).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:35:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_tokens_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_staff_tokens_staff_id_purpose_created_at"),
        "staff_tokens",
        ["staff_id", "purpose", "created_at"],
    )
    op.create_index(op.f("ix_people_mobile"), "people", ["mobile"])


def downgrade() -> None:
    op.drop_index(op.f("ix_people_mobile"), table_name="people")
    op.drop_index(op.f("ix_staff_tokens_staff_id_purpose_created_at"), table_name="staff_tokens")
    op.drop_table("staff_tokens")
