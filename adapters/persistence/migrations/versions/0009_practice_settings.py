"""Practice settings: the practice's details, locations, the scheduling policy (calendar hours,
reminders, late-cancellation window, telehealth link), and the late-cancellation and no-show
fees of each service.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=600), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("name_folded", name=op.f("uq_locations_name_folded")),
    )
    op.create_table(
        "scheduling_policy",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("late_cancel_hours", sa.Integer(), nullable=False),
        sa.Column("telehealth_link", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_policy")),
    )
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("late_cancel_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("late_cancel_percent", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("no_show_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("no_show_percent", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        for column in ("no_show_percent", "no_show_minor", "late_cancel_percent"):
            batch.drop_column(column)
        batch.drop_column("late_cancel_minor")
    op.drop_table("scheduling_policy")
    op.drop_table("locations")
    op.drop_table("practice")
