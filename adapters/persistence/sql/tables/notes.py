"""Tables of notes. A note's content (its sections and private sections) is one JSON text
column, so that the database can refuse to change it once the note is signed: a trigger on
both databases (migration 0013) aborts any UPDATE of a signed note's content or signature.
Psychotherapy notes have a table of their own, which no list, search or export reads."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime, metadata, postgresql_only


def _signature(prefix: str) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_by", sa.Uuid, sa.ForeignKey("staff.id")),
        sa.Column(f"{prefix}_at", UtcDateTime),
        sa.Column(f"{prefix}_sha256", sa.String(64)),
        sa.Column(f"{prefix}_addenda", sa.Integer),
    ]


notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("appointment_id", sa.Uuid, sa.ForeignKey("appointments.id"), nullable=False),
    sa.Column("author_id", sa.Uuid, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("template_name", sa.String(80), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("supervisor_id", sa.Uuid, sa.ForeignKey("staff.id")),
    *_signature("signed"),
    *_signature("cosigned"),
    sa.Column("returned_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("returned_at", UtcDateTime),
    sa.Column("return_comment", sa.Text),
    sa.Column("error_reason", sa.String(500)),
    sa.Column("error_by", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("error_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("appointment_id"),
    sa.Index(None, "case_id"),
    # The "needs attention" lists: a clinician's drafts and returns, a supervisor's queue.
    sa.Index(None, "author_id", "status", "updated_at"),
    sa.Index(None, "supervisor_id", "status"),
)


def in_review() -> sa.ColumnElement[bool]:
    """Notes awaiting co-signature or returned to their author: the predicate of the partial
    index below, stated by the owner's totals as this renders it (the states in the statement,
    not parameters, so that a prepared statement's generic plan still matches the index)."""
    return notes.c.status.in_(
        [sa.literal_column("'awaiting_cosignature'"), sa.literal_column("'returned'")]
    )


# The practice's notes in review, per author: the owner's totals (migration 0021), where the
# (supervisor_id, status) index was read whole for them.
sa.Index(
    "ix_notes_in_review",
    notes.c.author_id,
    notes.c.status,
    postgresql_where=in_review(),
    sqlite_where=in_review(),
)

note_addenda = sa.Table(
    "note_addenda",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("note_id", sa.Uuid, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("written_by", sa.Uuid, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("written_at", UtcDateTime, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.UniqueConstraint("note_id", "position"),
)

# What search reads: one row per part of a note (the shared part with the addenda, each
# private section with its participant), rewritten while the note is a draft.
note_search = sa.Table(
    "note_search",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("note_id", sa.Uuid, sa.ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id")),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index(None, "note_id"),
)
# PostgreSQL searches it with a GIN full-text index; SQLite with an FTS5 table (note_search_fts,
# kept in step by triggers), both made by migration 0013.
FTS_CONFIG = "simple"  # no stemming: clinicians search for the words they wrote
postgresql_only(
    sa.Index(
        "ix_note_search_fts",
        sa.text(f"to_tsvector('{FTS_CONFIG}', body)"),
        postgresql_using="gin",
        _table=note_search,
    )
)

note_templates = sa.Table(
    "note_templates",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("sections", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
)

psychotherapy_notes = sa.Table(
    "psychotherapy_notes",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("appointment_id", sa.Uuid, sa.ForeignKey("appointments.id"), nullable=False),
    sa.Column("author_id", sa.Uuid, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("appointment_id", "author_id"),
)
