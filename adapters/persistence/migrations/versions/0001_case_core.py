"""The case core: people, organizations, staff, cases with their lists, history, sessions.

The whole schema at once, the same on SQLite and PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:04:17.862059
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=600), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= opened_on", name=op.f("ck_cases_closed_after_opened")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(op.f("ix_cases_name_folded_id"), "cases", ["name_folded", "id"])

    op.create_table(
        "organizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=600), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("contact_person", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    op.create_index(op.f("ix_organizations_name_folded"), "organizations", ["name_folded"])

    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=False),
        sa.Column("legal_folded", sa.String(length=600), nullable=False),
        sa.Column("preferred_folded", sa.String(length=600), nullable=False),
        sa.Column("pronouns", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("preferred_channel", sa.String(length=32), nullable=False),
        sa.Column("sms_consent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_legal_folded"), "people", ["legal_folded"])

    op.create_table(
        "sessions",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_expires_at"), "sessions", ["expires_at"])

    op.create_table(
        "staff",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("licensure", sa.String(length=32), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["staff.id"], name=op.f("fk_staff_supervisor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_email")),
    )
    op.create_index(op.f("ix_staff_supervisor_id"), "staff", ["supervisor_id"])

    op.create_table(
        "case_billing",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payer_person_id", sa.Uuid(), nullable=True),
        sa.Column("payer_organization_id", sa.Uuid(), nullable=True),
        sa.Column("covers_id", sa.Uuid(), nullable=True),
        sa.Column("share_percent", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(payer_person_id IS NULL) <> (payer_organization_id IS NULL)",
            name=op.f("ck_case_billing_one_payer"),
        ),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_billing_period")
        ),
        sa.CheckConstraint(
            "share_percent IS NULL OR share_percent BETWEEN 1 AND 100",
            name=op.f("ck_case_billing_share_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_billing_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["covers_id"], ["people.id"], name=op.f("fk_case_billing_covers_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["payer_organization_id"],
            ["organizations.id"],
            name=op.f("fk_case_billing_payer_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_person_id"], ["people.id"], name=op.f("fk_case_billing_payer_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_billing")),
    )
    op.create_index(op.f("ix_case_billing_case_id"), "case_billing", ["case_id"])
    op.create_index(
        op.f("ix_case_billing_payer_organization_id"), "case_billing", ["payer_organization_id"]
    )
    op.create_index(op.f("ix_case_billing_payer_person_id"), "case_billing", ["payer_person_id"])

    op.create_table(
        "case_communication",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("invoices", sa.Boolean(), nullable=False),
        sa.Column("clinical_messages", sa.Boolean(), nullable=False),
        sa.Column("portal_access", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_communication_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_communication_person_id_people")
        ),
        sa.PrimaryKeyConstraint("case_id", "person_id", name=op.f("pk_case_communication")),
    )
    op.create_index(op.f("ix_case_communication_person_id"), "case_communication", ["person_id"])

    op.create_table(
        "case_diagnoses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_diagnoses_period")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_diagnoses_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_diagnoses_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_diagnoses")),
    )
    op.create_index(op.f("ix_case_diagnoses_case_id"), "case_diagnoses", ["case_id"])

    op.create_table(
        "case_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("on_behalf_of", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("clinical", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_case_events_actor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["on_behalf_of"], ["staff.id"], name=op.f("fk_case_events_on_behalf_of_staff")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_case_events")),
        sa.UniqueConstraint("id", name=op.f("uq_case_events_id")),
    )
    op.create_index(op.f("ix_case_events_case_id_at"), "case_events", ["case_id", "at"])

    op.create_table(
        "case_helpers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Uuid(), nullable=False),
        sa.Column("for_person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_helpers_period")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_helpers_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["for_person_id"], ["people.id"], name=op.f("fk_case_helpers_for_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"], ["people.id"], name=op.f("fk_case_helpers_helper_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_helpers")),
    )
    op.create_index(op.f("ix_case_helpers_case_id"), "case_helpers", ["case_id"])
    op.create_index(op.f("ix_case_helpers_helper_id"), "case_helpers", ["helper_id"])

    op.create_table(
        "case_memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_memberships_period")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_memberships_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_memberships_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_memberships")),
    )
    op.create_index(op.f("ix_case_memberships_case_id"), "case_memberships", ["case_id"])
    op.create_index(op.f("ix_case_memberships_person_id"), "case_memberships", ["person_id"])

    op.create_table(
        "case_staff",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("duty", sa.String(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_case_staff_period")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_staff_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_staff_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_staff")),
    )
    op.create_index(op.f("ix_case_staff_case_id"), "case_staff", ["case_id"])
    op.create_index(op.f("ix_case_staff_staff_id_case_id"), "case_staff", ["staff_id", "case_id"])

    op.create_table(
        "credentials",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("password_hash", sa.String(length=500), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_credentials_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_credentials")),
    )
    op.create_table(
        "staff_roles",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_roles_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "role", name=op.f("pk_staff_roles")),
    )
    op.create_table(
        "staff_supports",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("supported_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_supports_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supported_id"], ["staff.id"], name=op.f("fk_staff_supports_supported_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", "supported_id", name=op.f("pk_staff_supports")),
    )
    op.create_index(op.f("ix_staff_supports_supported_id"), "staff_supports", ["supported_id"])


def downgrade() -> None:
    op.drop_table("staff_supports")
    op.drop_table("staff_roles")
    op.drop_table("credentials")
    op.drop_table("case_staff")
    op.drop_table("case_memberships")
    op.drop_table("case_helpers")
    op.drop_table("case_events")
    op.drop_table("case_diagnoses")
    op.drop_table("case_communication")
    op.drop_table("case_billing")
    op.drop_table("staff")
    op.drop_table("sessions")
    op.drop_table("people")
    op.drop_table("organizations")
    op.drop_table("cases")
