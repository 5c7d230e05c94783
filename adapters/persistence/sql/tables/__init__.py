"""SQLAlchemy Core tables, one module per context, on one MetaData."""

from adapters.persistence.sql.tables.cases import (
    case_billing,
    case_communication,
    case_events,
    case_helpers,
    case_memberships,
    case_staff,
    cases,
)
from adapters.persistence.sql.tables.columns import (
    CODE,
    EMAIL,
    NAME,
    PHONE,
    UtcDateTime,
    by_code_point,
    case_child,
    change_mark,
    metadata,
)
from adapters.persistence.sql.tables.communication import outbox
from adapters.persistence.sql.tables.directory import (
    credentials,
    organizations,
    people,
    staff,
    staff_roles,
    staff_supports,
    staff_tokens,
)
from adapters.persistence.sql.tables.documentation import case_diagnoses
from adapters.persistence.sql.tables.scheduling import (
    appointment_attendance,
    appointment_codes,
    appointment_providers,
    appointments,
    calendar_feeds,
    series,
    services,
)
from adapters.persistence.sql.tables.sessions import sessions

__all__ = [
    "CODE",
    "EMAIL",
    "NAME",
    "PHONE",
    "UtcDateTime",
    "appointment_attendance",
    "appointment_codes",
    "appointment_providers",
    "appointments",
    "by_code_point",
    "calendar_feeds",
    "case_billing",
    "case_child",
    "case_communication",
    "case_diagnoses",
    "case_events",
    "case_helpers",
    "case_memberships",
    "case_staff",
    "cases",
    "change_mark",
    "credentials",
    "metadata",
    "organizations",
    "outbox",
    "people",
    "series",
    "services",
    "sessions",
    "staff",
    "staff_roles",
    "staff_supports",
    "staff_tokens",
]
