"""Held sessions without a signed note, as a small partial index: `appointments.provider_id`
(a copy of the first provider, appointment_providers' position 0) and `appointments.note_signed`
(true exactly when the appointment's note is past draft), with the index
`ix_appointments_held_unsigned (provider_id, start_at, id) WHERE status = 'completed' AND NOT
note_signed`. "Needs attention" then reads the few percent of sessions it lists (the bench's
large tier: 15,600 of 760,000) instead of anti-joining every held session against the notes.
And `ix_notes_in_review (author_id, status) WHERE status IN ('awaiting_cosignature',
'returned')` for the owner's totals of notes in review.

`note_signed` is kept by the database: a trigger on notes (after insert, after delete, after
an update of status or appointment_id) sets it from the note's status, on PostgreSQL and on
SQLite, so no code path, restore or hand-written statement can leave it stale. A note is unique
per appointment, so the flag is the one note's `status <> 'draft'`. The trigger writes only
when the flag changes (saving a draft touches no appointment). The app's own mapping writes
`provider_id` with the provider rows it copies (adapters/persistence/sql/scheduling.py).

PostgreSQL also gets extended statistics on (status, note_signed): the two are far from
independent (nearly every held session has a signed note), and without them the planner
guesses 22 % of the table for the index's predicate instead of 2 %.

Revision ID: 0021
Revises: 0019 (written beside 0020 of another branch; re-chained when merged)
Create Date: 2026-12-01 18:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

_INDEX = "ix_appointments_held_unsigned"
_COLUMNS = ["provider_id", "start_at", "id"]
_STATISTICS = "st_appointments_status_note_signed"
# The owner's totals also count the notes in review per author: a partial index of those.
_REVIEW_INDEX = "ix_notes_in_review"
_IN_REVIEW = "status IN ('awaiting_cosignature', 'returned')"

_PG_FUNCTION = """
CREATE FUNCTION notes_keep_appointment_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE appointments SET note_signed = false
         WHERE id = OLD.appointment_id AND note_signed;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.appointment_id IS DISTINCT FROM NEW.appointment_id THEN
        UPDATE appointments SET note_signed = false
         WHERE id = OLD.appointment_id AND note_signed;
    END IF;
    UPDATE appointments SET note_signed = (NEW.status <> 'draft')
     WHERE id = NEW.appointment_id AND note_signed <> (NEW.status <> 'draft');
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = (
    "CREATE TRIGGER notes_keep_appointment_signed "
    "AFTER INSERT OR DELETE OR UPDATE OF status, appointment_id ON notes "
    "FOR EACH ROW EXECUTE FUNCTION notes_keep_appointment_signed()"
)
_SQLITE_SET = (
    "UPDATE appointments SET note_signed = (NEW.status <> 'draft') "
    "WHERE id = NEW.appointment_id AND note_signed <> (NEW.status <> 'draft');"
)
_SQLITE_CLEAR = (
    "UPDATE appointments SET note_signed = 0 WHERE id = OLD.appointment_id AND note_signed"
)
_SQLITE_TRIGGERS = {
    "notes_keep_appointment_signed_insert": f"AFTER INSERT ON notes BEGIN {_SQLITE_SET} END",
    "notes_keep_appointment_signed_update": (
        "AFTER UPDATE OF status, appointment_id ON notes BEGIN "
        f"{_SQLITE_CLEAR} AND OLD.appointment_id IS NOT NEW.appointment_id; {_SQLITE_SET} END"
    ),
    "notes_keep_appointment_signed_delete": f"AFTER DELETE ON notes BEGIN {_SQLITE_CLEAR}; END",
}
# The backfill: one pass over the appointments, each row written once.
_BACKFILL = """
UPDATE appointments SET
    provider_id = (SELECT p.staff_id FROM appointment_providers p
                    WHERE p.appointment_id = appointments.id AND p.position = 0),
    note_signed = EXISTS (SELECT 1 FROM notes n
                           WHERE n.appointment_id = appointments.id AND n.status <> 'draft')
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Plain ALTER TABLE ... ADD COLUMN on both (no batch copy of a table so many others
    # reference): a nullable column, and a NOT NULL one with a constant default.
    op.add_column("appointments", sa.Column("provider_id", sa.Uuid(), nullable=True))
    op.add_column(
        "appointments",
        sa.Column("note_signed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(_BACKFILL)
    op.create_index(
        _REVIEW_INDEX,
        "notes",
        ["author_id", "status"],
        postgresql_where=sa.text(_IN_REVIEW),
        sqlite_where=sa.text(_IN_REVIEW),
    )
    if postgres:
        op.create_index(
            _INDEX,
            "appointments",
            _COLUMNS,
            postgresql_where=sa.text("status = 'completed' AND NOT note_signed"),
        )
        op.execute(
            f"CREATE STATISTICS {_STATISTICS} (mcv) ON status, note_signed FROM appointments"
        )
        op.execute("ANALYZE appointments")
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        op.create_index(
            _INDEX,
            "appointments",
            _COLUMNS,
            sqlite_where=sa.text("status = 'completed' AND note_signed = 0"),
        )
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notes_keep_appointment_signed ON notes")
        op.execute("DROP FUNCTION IF EXISTS notes_keep_appointment_signed()")
        op.execute(f"DROP STATISTICS IF EXISTS {_STATISTICS}")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(_REVIEW_INDEX, table_name="notes")
    op.drop_index(_INDEX, table_name="appointments")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+), not a batch copy of the table.
    op.execute("ALTER TABLE appointments DROP COLUMN note_signed")
    op.execute("ALTER TABLE appointments DROP COLUMN provider_id")
