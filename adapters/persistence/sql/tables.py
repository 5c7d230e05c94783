"""The schema, as SQLAlchemy Core tables: one for each entity, one for each list inside the case.

The same tables run on SQLite and PostgreSQL. Names of constraints and indexes come from the
naming convention, so both databases (and the migrations) agree on them.

Text that people search for or sort by has a `*_folded` twin written by the repositories
(`str.casefold()`): SQLite's `lower()` knows only ASCII and PostgreSQL's depends on the server's
locale, so folding in Python is the one way to search "Łukasz" the same way everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NAME = 200  # core.domain.values.MAX_NAME
EMAIL = 254
PHONE = 20
CODE = 32  # enum values


def by_code_point(column: str) -> dict[str, str]:
    """PostgreSQL index option: `column` in code-point order, as the lists sort it
    (`expressions.by_text`); an index in the default collation cannot serve that order."""
    return {column: 'COLLATE "C"'}


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, always timezone-aware UTC in Python. SQLite keeps no offset, so the value is
    stored there as naive UTC (its text form then sorts in time order)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Instants are timezone-aware.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _period() -> list[sa.SchemaItem]:
    """An inclusive span of days: `start_on` .. `end_on` (NULL while it runs)."""
    return [
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("end_on", sa.Date),
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="period"),
    ]


def _case_child(name: str, *columns: sa.SchemaItem) -> sa.Table:
    """A list inside the case aggregate: rows with their own id, removed with the case."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "case_id", sa.Uuid, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        # The aggregate's lists keep their order: `position` is the index in the list.
        sa.Column("position", sa.Integer, nullable=False),
        *columns,
        *_period(),
        sa.Index(None, "case_id"),
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
)

case_memberships = _case_child(
    "case_memberships",
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("role", sa.String(CODE), nullable=False),
    sa.Index(None, "person_id"),
)

case_staff = _case_child(
    "case_staff",
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("duty", sa.String(CODE), nullable=False),
    sa.Index(None, "staff_id", "case_id"),
)

# A payer is a person or an organization: one of the two columns, never both.
case_billing = _case_child(
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

case_helpers = _case_child(
    "case_helpers",
    sa.Column("helper_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("for_person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("kind", sa.String(CODE), nullable=False),
    sa.Index(None, "helper_id"),
)

case_diagnoses = _case_child(
    "case_diagnoses",
    sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("description", sa.String(300), nullable=False),
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

# Server-side web sessions (Litestar's store interface): opaque bytes with an optional expiry.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.LargeBinary, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Index(None, "expires_at"),
)


# ----- scheduling ---------------------------------------------------------------------------------

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
    sa.UniqueConstraint("name_folded"),  # names are unique whatever their case
)


def _change_mark(prefix: str, *, required: bool) -> list[sa.Column]:
    """Who changed something, when, and for which clinician (see `ChangeMark`)."""
    return [
        sa.Column(f"{prefix}_by", sa.Uuid, sa.ForeignKey("staff.id")),
        sa.Column(f"{prefix}_at", UtcDateTime, nullable=not required),
        sa.Column(f"{prefix}_for", sa.Uuid, sa.ForeignKey("staff.id")),
    ]


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
    *_change_mark("created", required=True),
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
    *_change_mark("created", required=True),
    *_change_mark("changed", required=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
    sa.Index(None, "case_id", "start_at"),
    sa.Index(None, "series_id"),
    sa.Index(None, "start_at"),
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

# A clinician's private calendar feed: only the SHA-256 of its secret (core.domain.calendar_feed).
calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("include_names", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
