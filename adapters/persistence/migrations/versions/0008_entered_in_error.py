"""Corrections: items of a case entered in error (kept, out of every calculation), and a
diagnosis's "entered in error" with its reason, who and when.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.persistence.sql.tables.columns import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_entered_in_error",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("marked_by", sa.Uuid()),
        sa.Column("marked_at", UtcDateTime(), nullable=False),
        sa.Column("person_id", sa.Uuid()),
        sa.Column("role", sa.String(32)),
        sa.Column("staff_id", sa.Uuid()),
        sa.Column("duty", sa.String(32)),
        sa.Column("payer_person_id", sa.Uuid()),
        sa.Column("payer_organization_id", sa.Uuid()),
        sa.Column("covers_id", sa.Uuid()),
        sa.Column("share_percent", sa.Integer()),
        sa.Column("helper_id", sa.Uuid()),
        sa.Column("for_person_id", sa.Uuid()),
        sa.Column("kind", sa.String(32)),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date()),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_entered_in_error_period")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_entered_in_error_case_id_cases"),
            ondelete="CASCADE",
        ),
        *(
            sa.ForeignKeyConstraint(
                [column], [f"{table}.id"], name=op.f(f"fk_case_entered_in_error_{column}_{table}")
            )
            for column, table in (
                ("marked_by", "staff"),
                ("person_id", "people"),
                ("staff_id", "staff"),
                ("payer_person_id", "people"),
                ("payer_organization_id", "organizations"),
                ("covers_id", "people"),
                ("helper_id", "people"),
                ("for_person_id", "people"),
            )
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_entered_in_error")),
    )
    op.create_index(op.f("ix_case_entered_in_error_case_id"), "case_entered_in_error", ["case_id"])
    with op.batch_alter_table("case_diagnoses") as batch:
        batch.add_column(sa.Column("error_reason", sa.String(500)))
        batch.add_column(sa.Column("error_by", sa.Uuid()))
        batch.add_column(sa.Column("error_at", UtcDateTime()))
        batch.create_foreign_key(
            op.f("fk_case_diagnoses_error_by_staff"), "staff", ["error_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("case_diagnoses") as batch:
        batch.drop_constraint(op.f("fk_case_diagnoses_error_by_staff"), type_="foreignkey")
        batch.drop_column("error_at")
        batch.drop_column("error_by")
        batch.drop_column("error_reason")
    op.drop_index(op.f("ix_case_entered_in_error_case_id"), table_name="case_entered_in_error")
    op.drop_table("case_entered_in_error")
