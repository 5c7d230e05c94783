"""Tables of clinical documentation."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime, case_child, metadata

# A case's diagnoses (the table keeps the name and shape it had inside the case aggregate).
case_diagnoses = case_child(
    "case_diagnoses",
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
    # Entered in error: why (clinical text), who and when; such a row is out of every view.
    sa.Column("error_reason", sa.String(500)),
    sa.Column("error_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("error_at", UtcDateTime),
    # Primary or secondary; `version` counts the changes (end, rank, entered in error).
    sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
)

# One row per version of a participant's treatment plan. `content` is the canonical JSON the
# signature's hash is taken of; `review_on` is copied out of it for the "due for review" query.
# A signed row is read-only: the repository writes only unsigned rows, and a trigger of
# migration 0014 refuses any UPDATE of a signed row on SQLite and PostgreSQL alike.
treatment_plans = sa.Table(
    "treatment_plans",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("review_on", sa.Date, nullable=False),
    sa.Column("written_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("written_at", UtcDateTime, nullable=False),
    sa.Column("signed_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("signed_at", UtcDateTime),
    sa.Column("signed_sha256", sa.String(64)),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("case_id", "person_id", "number"),
    sa.CheckConstraint(
        "(signed_at IS NULL) = (signed_sha256 IS NULL) AND (signed_at IS NULL) = "
        "(signed_by IS NULL)",
        name="signature",
    ),
    # The due-for-review list: signed plans by review date.
    sa.Index(None, "review_on", "signed_at"),
)
