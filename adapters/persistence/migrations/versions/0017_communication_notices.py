"""Communication: the .ics a notice's email carries, kept with the message in the outbox; the
owner's message templates; the confirm / cancel links of messages.

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-01 15:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("calendar", sa.Text(), server_default=sa.text("''"), nullable=False)
        )
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("sms_consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column(
                "sms_consent_source", sa.String(100), server_default=sa.text("''"), nullable=False
            )
        )
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("show_case_name", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
    )
    op.create_table(
        "session_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_for", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_session_links_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_session_links_token_hash")),
    )
    op.create_index(
        op.f("ix_session_links_appointment_id_used_for"),
        "session_links",
        ["appointment_id", "used_for"],
    )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("sms_consent_source")
        batch.drop_column("sms_consent_at")
    op.drop_index(op.f("ix_session_links_appointment_id_used_for"), table_name="session_links")
    op.drop_table("session_links")
    op.drop_table("message_templates")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("calendar")
