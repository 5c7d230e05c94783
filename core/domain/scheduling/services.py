"""The services the practice offers: kind of work, length, fee, billing code."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from core.domain.cases.kinds import RecordType, ServiceLine, line_allows
from core.domain.scheduling.fees import FeeRule
from core.domain.shared.audit import AuditAction
from core.domain.shared.codes import clean_code
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent, EventLog
from core.domain.shared.values import Money, clean_name

MIN_MINUTES = 5


MAX_MINUTES = 12 * 60  # longer than this is a data-entry mistake, and keeps a weekly series


@dataclass(slots=True)
class Service:
    """What the practice offers: a kind of work, its default length, its fee and, for
    psychotherapy, its billing code."""

    id: UUID
    name: str
    service_line: ServiceLine
    minutes: int
    fee: Money
    billing_code: str | None = None
    active: bool = True
    version: int = 0
    late_cancel_fee: FeeRule | None = None
    no_show_fee: FeeRule | None = None
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="Service name")
        self.service_line = ServiceLine(self.service_line)
        check_minutes(self.minutes)
        if self.fee.amount_minor < 0:
            raise InvalidInput("A fee is not negative.", field="fee")
        self.billing_code = clean_code(self.billing_code)
        if self.billing_code is not None and not line_allows(
            self.service_line, RecordType.BILLING_CODE
        ):
            raise InvalidInput(
                f"{self.service_line.value.capitalize()} services carry the practice's own name "
                "and fee, no billing code.",
                field="billing_code",
            )

    def offered_for(self, line: ServiceLine) -> bool:
        """Whether a case of this line of work is offered this service (when booking)."""
        return self.active and self.service_line == line

    def change(self, wanted: Service) -> None:
        """Take `wanted`'s details (checked when it was made). Retiring is a change of its
        own: a service in use is never deleted, it is no longer offered."""
        changed = tuple(f for f in _DETAILS if getattr(self, f) != getattr(wanted, f))
        for f in _DETAILS:
            setattr(self, f, getattr(wanted, f))
        if changed:
            self.events.record(ServiceChanged(service_id=self.id, fields=changed))

    def retire(self) -> None:
        if self.active:
            self.active = False
            self.events.record(ServiceRetired(service_id=self.id))

    def reactivate(self) -> None:
        if not self.active:
            self.active = True
            self.events.record(ServiceChanged(service_id=self.id, fields=("active",)))


_DETAILS = (
    "name",
    "service_line",
    "minutes",
    "fee",
    "billing_code",
    "late_cancel_fee",
    "no_show_fee",
)


@dataclass(frozen=True, kw_only=True)
class ServiceAdded(DomainEvent):
    audited = (AuditAction.CREATE, "service", "service_id")
    service_id: UUID


@dataclass(frozen=True, kw_only=True)
class ServiceChanged(DomainEvent):
    audited = (AuditAction.CHANGE, "service", "service_id")
    service_id: UUID
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ServiceRetired(DomainEvent):
    """No longer offered for new sessions; the sessions booked with it keep it."""

    audited = (AuditAction.END, "service", "service_id")
    service_id: UUID


def check_minutes(minutes: int, field: str = "minutes") -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"A session lasts from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours.",
            field=field,
        )
