"""What every context says to the audit log: who did what to which object, when, for whom and
from where. Declared here, in `shared`, so that any context can write an entry without importing
the `audit` context, which implements the log (its chain, its store, its screens).

An entry never holds a name or any clinical text: only ids, an action, an object type, the route
template and the client's address. The owner's audit screen looks the names up when it shows
the entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from core.domain.shared.errors import InvalidInput


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    CHANGE = "change"
    END = "end"
    ENTERED_IN_ERROR = "entered_in_error"  # recorded by mistake: kept, out of every calculation
    SIGN = "sign"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    COSIGN = "cosign"  # a supervisor's co-signature of a note
    RETURN = "return"  # a note returned to its author for changes
    PSYCHOTHERAPY_NOTE = "psychotherapy_note"  # any read or write of a process note


class AuditObject(StrEnum):
    """The kinds of object the log names. Other contexts may use their own words (an entry's
    `object_type` is a plain string); these are the ones the read models use."""

    CASE = "case"
    CASE_HISTORY = "case_history"
    CLINICAL_RECORD = "clinical_record"
    TREATMENT_PLAN = "treatment_plan"  # one version of a plan opened on its own page
    CASE_SCHEDULE = "case_schedule"
    PERSON = "person"
    APPOINTMENT = "appointment"
    CALENDAR = "calendar"
    STAFF = "staff"
    AUDIT_LOG = "audit_log"
    UNDELIVERED = "undelivered_messages"
    INVOICE = "invoice"
    INVOICES = "invoices"
    UNBILLED = "unbilled_charges"
    AGING = "aging"


MAX_ROUTE = 200
MAX_OBJECT_TYPE = 40
MAX_ADDRESS = 64


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from: the route template (never the query string, which can carry
    search words) and the client's address."""

    route: str = ""
    client_address: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "route", self.route.split("?", 1)[0][:MAX_ROUTE])
        object.__setattr__(self, "client_address", self.client_address[:MAX_ADDRESS])


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One thing to append to the audit log. `actor_id` is the staff member who really did it
    (None: the practice itself, or a sign-in attempt for an unknown email); `on_behalf_of` the
    clinician an administrator worked for."""

    at: datetime
    actor_id: UUID | None
    action: AuditAction
    object_type: str
    object_id: UUID | None = None
    case_id: UUID | None = None
    on_behalf_of: UUID | None = None
    route: str = ""
    client_address: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidInput("An audit entry's time is timezone-aware.")
        if not self.object_type or len(self.object_type) > MAX_OBJECT_TYPE:
            raise InvalidInput("An audit entry names the type of its object.")
        object.__setattr__(self, "action", AuditAction(self.action))
        object.__setattr__(self, "route", self.route[:MAX_ROUTE])
        object.__setattr__(self, "client_address", self.client_address[:MAX_ADDRESS])
