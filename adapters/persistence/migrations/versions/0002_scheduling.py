"""Scheduling: services, series, appointments with their providers, attendance and codes.

On PostgreSQL, an exclusion constraint forbids double-booking a provider.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:11:57.671756
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=600), nullable=False),
        sa.Column("service_line", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("billing_code", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("name_folded", name=op.f("uq_services_name_folded")),
    )
    op.create_table(
        "series",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_for", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "(until_on IS NULL) <> (occurrences IS NULL)", name=op.f("ck_series_one_end")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_series_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_series_created_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["created_for"], ["staff.id"], name=op.f("fk_series_created_for_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
    )
    op.create_index(op.f("ix_series_case_id"), "series", ["case_id"])

    op.create_table(
        "appointments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("telehealth", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("supervisor_override", sa.Uuid(), nullable=True),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("codes_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_for", sa.Uuid(), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_for", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_appointments_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_appointments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["staff.id"], name=op.f("fk_appointments_changed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["changed_for"], ["staff.id"], name=op.f("fk_appointments_changed_for_staff")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_appointments_created_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["created_for"], ["staff.id"], name=op.f("fk_appointments_created_for_staff")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_appointments_series_id_series")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_appointments_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_override"],
            ["staff.id"],
            name=op.f("fk_appointments_supervisor_override_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index(
        op.f("ix_appointments_case_id_start_at"), "appointments", ["case_id", "start_at"]
    )
    op.create_index(op.f("ix_appointments_series_id"), "appointments", ["series_id"])
    op.create_index(op.f("ix_appointments_start_at"), "appointments", ["start_at"])

    op.create_table(
        "appointment_attendance",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("mark", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_attendance_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_appointment_attendance_person_id_people")
        ),
        sa.PrimaryKeyConstraint(
            "appointment_id", "person_id", name=op.f("pk_appointment_attendance")
        ),
    )
    op.create_table(
        "appointment_codes",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_codes_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_appointment_codes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("appointment_id", "position", name=op.f("pk_appointment_codes")),
    )
    op.create_table(
        "appointment_providers",
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holds_slot", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_providers_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_appointment_providers_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint(
            "appointment_id", "staff_id", name=op.f("pk_appointment_providers")
        ),
    )
    op.create_index(
        op.f("ix_appointment_providers_staff_id_start_at"),
        "appointment_providers",
        ["staff_id", "start_at"],
    )
    if op.get_bind().dialect.name == "postgresql":
        # No provider in two overlapping slot-holding appointments ([start, end) intervals),
        # checked at commit so that a unit of work may move several sessions at once. SQLite
        # keeps the rule by checking before its commit, under its single write lock.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointment_providers ADD CONSTRAINT ex_appointment_providers_overlap "
            "EXCLUDE USING gist (staff_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
            "WHERE (holds_slot) DEFERRABLE INITIALLY DEFERRED"
        )


def downgrade() -> None:
    op.drop_table("appointment_providers")
    op.drop_table("appointment_codes")
    op.drop_table("appointment_attendance")
    op.drop_table("appointments")
    op.drop_table("series")
    op.drop_table("services")
