"""Diagnoses primary or secondary, with a version of their own; treatment plans, versioned, a
signed version read-only in the database itself.

Diagnoses recorded before the ICD-10-CM list keep their code and wording as they were (the
screens mark as legacy a code that is not a complete code of the list); each participant's
earliest running diagnosis in a case becomes the primary one, which a clinician can change.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.persistence.sql.tables.columns import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SIGNED_READ_ONLY = "A signed treatment plan cannot change."


def upgrade() -> None:
    with op.batch_alter_table("case_diagnoses") as batch:
        batch.add_column(
            sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    # The version the repository derived before: one per end, one per "entered in error".
    op.execute(
        "UPDATE case_diagnoses SET version = "
        "(CASE WHEN end_on IS NULL THEN 0 ELSE 1 END) + "
        "(CASE WHEN error_reason IS NULL THEN 0 ELSE 1 END)"
    )
    op.execute(
        "UPDATE case_diagnoses SET is_primary = TRUE WHERE id IN ("
        " SELECT d.id FROM case_diagnoses d WHERE d.end_on IS NULL AND d.error_reason IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM case_diagnoses e WHERE e.case_id = d.case_id"
        " AND e.person_id = d.person_id AND e.end_on IS NULL AND e.error_reason IS NULL"
        " AND e.position < d.position))"
    )
    op.create_table(
        "treatment_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("written_by", sa.Uuid()),
        sa.Column("written_at", UtcDateTime(), nullable=False),
        sa.Column("signed_by", sa.Uuid()),
        sa.Column("signed_at", UtcDateTime()),
        sa.Column("signed_sha256", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.CheckConstraint(
            "(signed_at IS NULL) = (signed_sha256 IS NULL) AND (signed_at IS NULL) = "
            "(signed_by IS NULL)",
            name=op.f("ck_treatment_plans_signature"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_treatment_plans_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_treatment_plans_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["staff.id"], name=op.f("fk_treatment_plans_written_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["staff.id"], name=op.f("fk_treatment_plans_signed_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plans")),
        sa.UniqueConstraint(
            "case_id",
            "person_id",
            "number",
            name=op.f("uq_treatment_plans_case_id_person_id_number"),
        ),
    )
    op.create_index(
        op.f("ix_treatment_plans_review_on_signed_at"),
        "treatment_plans",
        ["review_on", "signed_at"],
    )
    # A signed version never changes, whatever writes to the database (a bug, a hand-written
    # statement): the database refuses the UPDATE. Deleting the case still removes its plans.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION treatment_plan_signed_read_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{SIGNED_READ_ONLY}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER treatment_plans_signed_read_only BEFORE UPDATE ON treatment_plans "
            "FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) "
            "EXECUTE FUNCTION treatment_plan_signed_read_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER treatment_plans_signed_read_only BEFORE UPDATE ON treatment_plans "
            f"WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{SIGNED_READ_ONLY}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER treatment_plans_signed_read_only ON treatment_plans")
        op.execute("DROP FUNCTION treatment_plan_signed_read_only()")
    op.drop_index(op.f("ix_treatment_plans_review_on_signed_at"), table_name="treatment_plans")
    op.drop_table("treatment_plans")
    with op.batch_alter_table("case_diagnoses") as batch:
        batch.drop_column("version")
        batch.drop_column("is_primary")
