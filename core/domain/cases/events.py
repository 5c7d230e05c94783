"""Events of the cases context: a case's life, its membership and its responsibilities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    StaffDuty,
)
from core.domain.shared.audit import AuditAction
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, OrganizationId, PersonId, StaffId


@dataclass(frozen=True, kw_only=True)
class CaseEvent(DomainEvent):
    case_id: CaseId
    # Recorded as part of the change just before it (a payer ended because the member they
    # covered left): its words join that change's line in the history.
    joins: bool = False


@dataclass(frozen=True, kw_only=True)
class CaseOpened(CaseEvent):
    audited = (AuditAction.CREATE, "case", "case_id")
    kind: CaseKind
    responsible_provider: StaffId
    opened_on: date


@dataclass(frozen=True, kw_only=True)
class CaseRenamed(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class CapacitySet(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    capacity: int | None


@dataclass(frozen=True, kw_only=True)
class UsualServiceSet(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    service_id: UUID | None
    service_name: str  # as it was named then, for the history


@dataclass(frozen=True, kw_only=True)
class IdentifiedClientNamed(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    person_id: PersonId | None


@dataclass(frozen=True, kw_only=True)
class StatusChanged(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    status: str  # CaseStatus; a str here so the case module can import this one


@dataclass(frozen=True, kw_only=True)
class CaseClosed(CaseEvent):
    audited = (AuditAction.END, "case", "case_id")
    closed_on: date


@dataclass(frozen=True, kw_only=True)
class CaseReopened(CaseEvent):
    audited = (AuditAction.CHANGE, "case", "case_id")
    reopened_on: date
    responsible_provider: StaffId


@dataclass(frozen=True, kw_only=True)
class MemberJoined(CaseEvent):
    audited = (AuditAction.CREATE, "membership", "membership_id")
    membership_id: UUID
    person_id: PersonId
    role: MemberRole
    joined_on: date
    unreachable: bool = False  # reminders asked, but no email or SMS to send them by yet


@dataclass(frozen=True, kw_only=True)
class MemberLeft(CaseEvent):
    audited = (AuditAction.END, "membership", "membership_id")
    membership_id: UUID
    person_id: PersonId
    left_on: date
    attendance_after_leaving: bool = False  # confirmed: attendance after left_on stays


@dataclass(frozen=True, kw_only=True)
class MembershipEndChanged(CaseEvent):
    """A membership's last day corrected (`after`), or removed (`after` None)."""

    audited = (AuditAction.CHANGE, "membership", "membership_id")
    membership_id: UUID
    person_id: PersonId
    before: date | None
    after: date | None
    attendance_after_leaving: bool = False


@dataclass(frozen=True, kw_only=True)
class StaffAssigned(CaseEvent):
    audited = (AuditAction.CREATE, "staff_assignment", "assignment_id")
    assignment_id: UUID
    staff_id: StaffId
    duty: StaffDuty
    from_day: date


@dataclass(frozen=True, kw_only=True)
class StaffDutyEnded(CaseEvent):
    audited = (AuditAction.END, "staff_assignment", "assignment_id")
    assignment_id: UUID
    staff_id: StaffId
    duty: StaffDuty
    on: date


@dataclass(frozen=True, kw_only=True)
class PayerAdded(CaseEvent):
    audited = (AuditAction.CREATE, "billing_responsibility", "responsibility.id")
    responsibility: BillingResponsibility


@dataclass(frozen=True, kw_only=True)
class PayerEnded(CaseEvent):
    audited = (AuditAction.END, "billing_responsibility", "responsibility.id")
    responsibility: BillingResponsibility
    on: date


@dataclass(frozen=True, kw_only=True)
class CommunicationSet(CaseEvent):
    audited = (AuditAction.CHANGE, "communication_preference", "preference.person_id")
    preference: CommunicationPreference


@dataclass(frozen=True, kw_only=True)
class HelperGranted(CaseEvent):
    audited = (AuditAction.CREATE, "helper_role", "role_id")
    role_id: UUID
    helper_id: PersonId
    for_person_id: PersonId
    kind: HelperKind
    from_day: date


@dataclass(frozen=True, kw_only=True)
class HelperRevoked(CaseEvent):
    audited = (AuditAction.END, "helper_role", "role_id")
    role_id: UUID
    helper_id: PersonId
    kind: HelperKind
    on: date


@dataclass(frozen=True, kw_only=True)
class EnteredInError(CaseEvent):
    """A membership, staff duty, payer or helper role was recorded by mistake: gone from every
    calculation and current view, kept in the history with who and why."""

    audited = (AuditAction.ENTERED_IN_ERROR, "case_item", "item_id")
    # What it was, as the audit log names it: "membership", "staff_assignment",
    # "billing_responsibility", "helper_role".
    item_kind: str
    item_id: UUID
    reason: str
    person_id: PersonId | None  # the member, paying person or helper
    staff_id: StaffId | None  # the staff member of a duty
    organization_id: OrganizationId | None = None  # a paying organization
    start: date
    end: date | None

    def __post_init__(self) -> None:
        # The audit entry names the item by its own type, like its creation's entry did.
        object.__setattr__(
            self, "audited", (AuditAction.ENTERED_IN_ERROR, self.item_kind, "item_id")
        )
