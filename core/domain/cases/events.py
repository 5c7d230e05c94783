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
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, PersonId, StaffId


@dataclass(frozen=True, kw_only=True)
class CaseEvent(DomainEvent):
    case_id: CaseId


@dataclass(frozen=True, kw_only=True)
class CaseOpened(CaseEvent):
    kind: CaseKind
    responsible_provider: StaffId
    opened_on: date


@dataclass(frozen=True, kw_only=True)
class CaseRenamed(CaseEvent):
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class CapacitySet(CaseEvent):
    capacity: int | None


@dataclass(frozen=True, kw_only=True)
class StatusChanged(CaseEvent):
    status: str  # CaseStatus; a str here so the case module can import this one


@dataclass(frozen=True, kw_only=True)
class CaseClosed(CaseEvent):
    closed_on: date


@dataclass(frozen=True, kw_only=True)
class CaseReopened(CaseEvent):
    reopened_on: date
    responsible_provider: StaffId


@dataclass(frozen=True, kw_only=True)
class MemberJoined(CaseEvent):
    membership_id: UUID
    person_id: PersonId
    role: MemberRole
    joined_on: date


@dataclass(frozen=True, kw_only=True)
class MemberLeft(CaseEvent):
    membership_id: UUID
    person_id: PersonId
    left_on: date


@dataclass(frozen=True, kw_only=True)
class StaffAssigned(CaseEvent):
    assignment_id: UUID
    staff_id: StaffId
    duty: StaffDuty
    from_day: date


@dataclass(frozen=True, kw_only=True)
class StaffDutyEnded(CaseEvent):
    assignment_id: UUID
    staff_id: StaffId
    duty: StaffDuty
    on: date


@dataclass(frozen=True, kw_only=True)
class PayerAdded(CaseEvent):
    responsibility: BillingResponsibility


@dataclass(frozen=True, kw_only=True)
class PayerEnded(CaseEvent):
    responsibility: BillingResponsibility
    on: date


@dataclass(frozen=True, kw_only=True)
class CommunicationSet(CaseEvent):
    preference: CommunicationPreference


@dataclass(frozen=True, kw_only=True)
class HelperGranted(CaseEvent):
    role_id: UUID
    helper_id: PersonId
    for_person_id: PersonId
    kind: HelperKind
    from_day: date


@dataclass(frozen=True, kw_only=True)
class HelperRevoked(CaseEvent):
    role_id: UUID
    helper_id: PersonId
    kind: HelperKind
    on: date
