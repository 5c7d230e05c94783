"""Tables of clinical documentation."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime, case_child

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
)
