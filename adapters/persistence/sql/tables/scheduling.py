"""Tables of scheduling."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import CODE, NAME, UtcDateTime, change_mark, metadata

services = sa.Table(
    "services",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("name_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("service_line", sa.String(CODE), nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("fee_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("billing_code", sa.String(16)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    # Late-cancellation and no-show fees: an amount (in the service's currency) or a percent.
    sa.Column("late_cancel_minor", sa.BigInteger),
    sa.Column("late_cancel_percent", sa.Integer),
    sa.Column("no_show_minor", sa.BigInteger),
    sa.Column("no_show_percent", sa.Integer),
    sa.UniqueConstraint("name_folded"),  # names are unique whatever their case
)


locations = sa.Table(
    "locations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(NAME), nullable=False),
    sa.Column("name_folded", sa.String(NAME * 3), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("name_folded"),
)


# The practice's scheduling policy: one row. Hours and reminders are small value lists read
# and written whole, kept as JSON ({"mon": ["07:00", "20:00"], ...}; [[48, "email"], ...]).
scheduling_policy = sa.Table(
    "scheduling_policy",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("hours", sa.JSON, nullable=False),
    sa.Column("reminders", sa.JSON, nullable=False),
    sa.Column("late_cancel_hours", sa.Integer, nullable=False),
    sa.Column("telehealth_link", sa.String(500)),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
)


series = sa.Table(
    "series",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("first_start", UtcDateTime, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("every_weeks", sa.Integer, nullable=False),
    sa.Column("until_on", sa.Date),
    sa.Column("occurrences", sa.Integer),
    sa.Column("timezone", sa.String(64), nullable=False),
    *change_mark("created", required=True),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("(until_on IS NULL) <> (occurrences IS NULL)", name="one_end"),
    sa.Index(None, "case_id"),
)


appointments = sa.Table(
    "appointments",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("start_at", UtcDateTime, nullable=False),
    sa.Column("end_at", UtcDateTime, nullable=False),
    sa.Column("service_id", sa.Uuid, sa.ForeignKey("services.id"), nullable=False),
    sa.Column("location", sa.String(NAME), nullable=False),
    sa.Column("telehealth", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(CODE), nullable=False),
    sa.Column("supervisor_override", sa.Uuid, sa.ForeignKey("staff.id")),
    sa.Column("series_id", sa.Uuid, sa.ForeignKey("series.id")),
    # Codes confirmed by the clinician (the lines are in appointment_codes); false: not yet.
    sa.Column("codes_confirmed", sa.Boolean, nullable=False, server_default=sa.false()),
    # Two copies kept for "needs attention" (migration 0021), so that the practice's sessions
    # held without a signed note are one small partial index instead of an anti-join of every
    # held session against the notes. `provider_id`: the first provider (appointment_providers'
    # position 0, which has the foreign key), written by the same mapping as those rows.
    # `note_signed`: true exactly when the appointment's note is past draft; the database's
    # trigger on notes keeps it (no code writes it), on PostgreSQL and on SQLite.
    sa.Column("provider_id", sa.Uuid),
    sa.Column("note_signed", sa.Boolean, nullable=False, server_default=sa.false()),
    *change_mark("created", required=True),
    *change_mark("changed", required=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
    sa.Index(None, "case_id", "start_at"),
    sa.Index(None, "series_id"),
    sa.Index(None, "start_at"),
)


def held_unsigned() -> sa.ColumnElement[bool]:
    """Held (completed) and without a signed note: the predicate of the partial index below,
    which a query must state as this expression renders it (PostgreSQL `NOT note_signed`,
    SQLite `note_signed = 0`) for the database to use the index. The status is a constant in
    the statement, not a parameter, so that a prepared statement's generic plan matches too."""
    a = appointments.c
    return sa.and_(a.status == sa.literal_column("'completed'"), ~a.note_signed)


# The practice's held sessions without a signed note, per provider in time order: a few
# percent of all sessions (the large tier: 15,600 of 760,000).
sa.Index(
    "ix_appointments_held_unsigned",
    appointments.c.provider_id,
    appointments.c.start_at,
    appointments.c.id,
    postgresql_where=held_unsigned(),
    sqlite_where=held_unsigned(),
)


# The providers of an appointment, in order (the first renders the service). Each row repeats
# the appointment's time and whether it holds the slot, so that PostgreSQL can forbid overlapping
# slots of one provider with an exclusion constraint on this one table (added by the migration:
# EXCLUDE USING gist (staff_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) WHERE
# (holds_slot), deferred to commit). SQLite gets the same guarantee from the check the unit of
# work runs before committing, while it holds SQLite's single write lock.
appointment_providers = sa.Table(
    "appointment_providers",
    metadata,
    sa.Column(
        "appointment_id",
        sa.Uuid,
        sa.ForeignKey("appointments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("start_at", UtcDateTime, nullable=False),
    sa.Column("end_at", UtcDateTime, nullable=False),
    sa.Column("holds_slot", sa.Boolean, nullable=False),
    sa.Index(None, "staff_id", "start_at"),
)


appointment_attendance = sa.Table(
    "appointment_attendance",
    metadata,
    sa.Column(
        "appointment_id",
        sa.Uuid,
        sa.ForeignKey("appointments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("mark", sa.String(CODE), nullable=False),
)


appointment_codes = sa.Table(
    "appointment_codes",
    metadata,
    sa.Column(
        "appointment_id",
        sa.Uuid,
        sa.ForeignKey("appointments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id")),
)


# A clinician's private calendar feed: only the SHA-256 of its secret
# (core.domain.scheduling.feeds).
calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("include_names", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
