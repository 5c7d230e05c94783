"""Notes: notes per appointment with their addenda, the practice's note templates,
psychotherapy notes (a table of their own), and the note search index. A signed note's content
is refused by the database itself: a trigger on PostgreSQL and on SQLite aborts any UPDATE that
would change it, so neither a bug nor a hand-written statement can.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# What a signed note may still change: its status, the co-signature, a return, a re-signature
# after a return, "entered in error", updated_at and version. Everything else is its content.
_CONTENT = ("content", "kind", "template_name", "case_id", "appointment_id", "author_id")
_MESSAGE = "a signed note cannot change (add an addendum)"

_PG_FUNCTION = f"""
CREATE FUNCTION notes_refuse_signed_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        NEW.status = 'draft' OR {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _CONTENT)}
    ) THEN
        RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$
"""
_PG_ADDENDA_FUNCTION = """
CREATE FUNCTION note_addenda_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an addendum cannot change' USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""
_SQLITE_TRIGGER = f"""
CREATE TRIGGER notes_signed_read_only BEFORE UPDATE ON notes
WHEN OLD.status <> 'draft' AND (
    NEW.status = 'draft' OR {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _CONTENT)}
)
BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END
"""
# SQLite's full-text index over note_search (external content: the rows stay in note_search).
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE note_search_fts USING fts5(body, content='note_search', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER note_search_fts_insert AFTER INSERT ON note_search BEGIN "
    "INSERT INTO note_search_fts(rowid, body) VALUES (new.rowid, new.body); END",
    "CREATE TRIGGER note_search_fts_delete AFTER DELETE ON note_search BEGIN "
    "INSERT INTO note_search_fts(note_search_fts, rowid, body) "
    "VALUES ('delete', old.rowid, old.body); END",
    "CREATE TRIGGER note_search_fts_update AFTER UPDATE ON note_search BEGIN "
    "INSERT INTO note_search_fts(note_search_fts, rowid, body) "
    "VALUES ('delete', old.rowid, old.body); "
    "INSERT INTO note_search_fts(rowid, body) VALUES (new.rowid, new.body); END",
    "CREATE TRIGGER note_addenda_read_only BEFORE UPDATE ON note_addenda "
    "BEGIN SELECT RAISE(ABORT, 'an addendum cannot change'); END",
)


def upgrade() -> None:
    op.create_table(
        "note_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_templates")),
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("template_name", sa.String(length=80), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=True),
        sa.Column("signed_by", sa.Uuid(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_addenda", sa.Integer(), nullable=True),
        sa.Column("cosigned_by", sa.Uuid(), nullable=True),
        sa.Column("cosigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cosigned_sha256", sa.String(length=64), nullable=True),
        sa.Column("cosigned_addenda", sa.Integer(), nullable=True),
        sa.Column("returned_by", sa.Uuid(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=True),
        sa.Column("error_reason", sa.String(length=500), nullable=True),
        sa.Column("error_by", sa.Uuid(), nullable=True),
        sa.Column("error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_notes_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["staff.id"], name=op.f("fk_notes_author_id_staff")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["cosigned_by"], ["staff.id"], name=op.f("fk_notes_cosigned_by_staff")
        ),
        sa.ForeignKeyConstraint(["error_by"], ["staff.id"], name=op.f("fk_notes_error_by_staff")),
        sa.ForeignKeyConstraint(
            ["returned_by"], ["staff.id"], name=op.f("fk_notes_returned_by_staff")
        ),
        sa.ForeignKeyConstraint(["signed_by"], ["staff.id"], name=op.f("fk_notes_signed_by_staff")),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["staff.id"], name=op.f("fk_notes_supervisor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_notes_appointment_id")),
    )
    op.create_index(
        op.f("ix_notes_author_id_status_updated_at"),
        "notes",
        ["author_id", "status", "updated_at"],
        unique=False,
    )
    op.create_index(op.f("ix_notes_case_id"), "notes", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_notes_supervisor_id_status"), "notes", ["supervisor_id", "status"], unique=False
    )
    op.create_table(
        "psychotherapy_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_psychotherapy_notes_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_psychotherapy_notes_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_psychotherapy_notes_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psychotherapy_notes")),
        sa.UniqueConstraint(
            "appointment_id",
            "author_id",
            name=op.f("uq_psychotherapy_notes_appointment_id_author_id"),
        ),
    )
    op.create_table(
        "note_addenda",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("written_by", sa.Uuid(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_note_addenda_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["staff.id"], name=op.f("fk_note_addenda_written_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_addenda")),
        sa.UniqueConstraint("note_id", "position", name=op.f("uq_note_addenda_note_id_position")),
    )
    op.create_table(
        "note_search",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_search_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_note_search_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_search")),
    )
    op.create_index(op.f("ix_note_search_note_id"), "note_search", ["note_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_note_search_fts ON note_search USING gin (to_tsvector('simple', body))"
        )
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER notes_signed_read_only BEFORE UPDATE ON notes "
            "FOR EACH ROW EXECUTE FUNCTION notes_refuse_signed_change()"
        )
        op.execute(_PG_ADDENDA_FUNCTION)
        op.execute(
            "CREATE TRIGGER note_addenda_read_only BEFORE UPDATE ON note_addenda "
            "FOR EACH ROW EXECUTE FUNCTION note_addenda_refuse_change()"
        )
    else:
        op.execute(_SQLITE_TRIGGER)
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS note_addenda_read_only ON note_addenda")
        op.execute("DROP FUNCTION IF EXISTS note_addenda_refuse_change()")
        op.execute("DROP TRIGGER IF EXISTS notes_signed_read_only ON notes")
        op.execute("DROP FUNCTION IF EXISTS notes_refuse_signed_change()")
        op.execute("DROP INDEX IF EXISTS ix_note_search_fts")
    else:
        op.execute("DROP TABLE IF EXISTS note_search_fts")
    op.drop_index(op.f("ix_note_search_note_id"), table_name="note_search")
    op.drop_table("note_search")
    op.drop_table("note_addenda")
    op.drop_table("psychotherapy_notes")
    op.drop_index(op.f("ix_notes_supervisor_id_status"), table_name="notes")
    op.drop_index(op.f("ix_notes_case_id"), table_name="notes")
    op.drop_index(op.f("ix_notes_author_id_status_updated_at"), table_name="notes")
    op.drop_table("notes")
    op.drop_table("note_templates")
