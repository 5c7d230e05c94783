"""Tables of the directory."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import (
    CODE,
    EMAIL,
    NAME,
    PHONE,
    UtcDateTime,
    by_code_point,
    metadata,
    trigram_index,
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("legal_name", sa.String(NAME), nullable=False),
    sa.Column("preferred_name", sa.String(NAME), nullable=False),
    sa.Column("legal_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("preferred_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("pronouns", sa.String(NAME), nullable=False),
    sa.Column("date_of_birth", sa.Date),
    sa.Column("email", sa.String(EMAIL)),
    sa.Column("mobile", sa.String(PHONE)),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("preferred_channel", sa.String(CODE), nullable=False),
    sa.Column("sms_consent", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Index(None, "legal_folded", postgresql_ops=by_code_point("legal_folded")),
    trigram_index("people", "legal_folded"),
    trigram_index("people", "preferred_folded"),
    trigram_index("people", "email"),
    sa.Index(None, "mobile"),  # an inbound SMS (STOP) names its sender by number
)


organizations = sa.Table(
    "organizations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("name_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("email", sa.String(EMAIL)),
    sa.Column("phone", sa.String(PHONE)),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("contact_person", sa.String(NAME), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Index(None, "name_folded", postgresql_ops=by_code_point("name_folded")),
    trigram_index("organizations", "name_folded"),
    trigram_index("organizations", "email"),
)


staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("email", sa.String(EMAIL), nullable=False),
    sa.Column("licensure", sa.String(CODE), nullable=False),
    sa.Column("supervisor_id", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("email"),
    sa.Index(None, "supervisor_id"),
)


staff_roles = sa.Table(
    "staff_roles",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(CODE), primary_key=True),
)


# An administrator supports all the cases of these clinicians.
staff_supports = sa.Table(
    "staff_supports",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("supported_id", sa.Uuid, sa.ForeignKey("staff.id"), primary_key=True),
    sa.Index(None, "supported_id"),
)


credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("password_hash", sa.String(500), nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UtcDateTime),
    # Changes with every new password; sessions signed in with an older one end.
    sa.Column("generation", sa.Integer, nullable=False, server_default="1"),
)


# The practice's details: one row (id: core.domain.directory.practice.PRACTICE_ID).
practice = sa.Table(
    "practice",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("phone", sa.String(PHONE)),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("tax_id", sa.String(NAME), nullable=False, server_default=sa.text("''")),
)


# Single-use links for a staff account (password reset, invitation): only the secret's hash.
staff_tokens = sa.Table(
    "staff_tokens",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(CODE), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
    sa.Index(None, "staff_id", "purpose", "created_at"),
)
