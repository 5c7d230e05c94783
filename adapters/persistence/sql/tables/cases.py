"""Tables of cases and their history."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import (
    CODE,
    NAME,
    UtcDateTime,
    by_code_point,
    case_child,
    metadata,
    trigram_index,
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.String(CODE), nullable=False),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("name_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("status", sa.String(CODE), nullable=False),
    sa.Column("opened_on", sa.Date, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("capacity", sa.Integer),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    sa.Index(None, "name_folded", "id", postgresql_ops=by_code_point("name_folded")),
    trigram_index("cases", "name_folded"),
)


case_memberships = case_child(
    "case_memberships",
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("role", sa.String(CODE), nullable=False),
    sa.Index(None, "person_id"),
)


case_staff = case_child(
    "case_staff",
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("duty", sa.String(CODE), nullable=False),
    sa.Index(None, "staff_id", "case_id"),
)


# A payer is a person or an organization: one of the two columns, never both.
case_billing = case_child(
    "case_billing",
    sa.Column("payer_person_id", sa.Uuid, sa.ForeignKey("people.id")),
    sa.Column("payer_organization_id", sa.Uuid, sa.ForeignKey("organizations.id")),
    sa.Column("covers_id", sa.Uuid, sa.ForeignKey("people.id")),
    sa.Column("share_percent", sa.Integer),
    sa.CheckConstraint(
        "(payer_person_id IS NULL) <> (payer_organization_id IS NULL)", name="one_payer"
    ),
    sa.CheckConstraint(
        "share_percent IS NULL OR share_percent BETWEEN 1 AND 100", name="share_percent"
    ),
    sa.Index(None, "payer_person_id"),
    sa.Index(None, "payer_organization_id"),
)


case_helpers = case_child(
    "case_helpers",
    sa.Column("helper_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("for_person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("kind", sa.String(CODE), nullable=False),
    sa.Index(None, "helper_id"),
)


# One row per person the case writes to (the aggregate holds them as a dict by person).
case_communication = sa.Table(
    "case_communication",
    metadata,
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("channel", sa.String(CODE), nullable=False),
    sa.Column("reminders", sa.Boolean, nullable=False),
    sa.Column("invoices", sa.Boolean, nullable=False),
    sa.Column("clinical_messages", sa.Boolean, nullable=False),
    sa.Column("portal_access", sa.Boolean, nullable=False),
    sa.Index(None, "person_id"),
)


# The case history: append-only. `seq` orders events of the same instant as they were written.
case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("on_behalf_of", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("summary", sa.String(2000), nullable=False),
    sa.Column("clinical", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("id"),
    sa.Index(None, "case_id", "at"),
)
