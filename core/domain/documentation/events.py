"""Events of clinical documentation. They say which code, never any clinical text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from core.domain.shared.audit import AuditAction
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, PersonId


@dataclass(frozen=True, kw_only=True)
class DiagnosisEvent(DomainEvent):
    case_id: CaseId
    diagnosis_id: UUID
    code: str


@dataclass(frozen=True, kw_only=True)
class DiagnosisAdded(DiagnosisEvent):
    audited = (AuditAction.CREATE, "diagnosis", "diagnosis_id")
    person_id: PersonId


@dataclass(frozen=True, kw_only=True)
class DiagnosisEnded(DiagnosisEvent):
    audited = (AuditAction.END, "diagnosis", "diagnosis_id")
    on: date


@dataclass(frozen=True, kw_only=True)
class DiagnosisRanked(DiagnosisEvent):
    audited = (AuditAction.CHANGE, "diagnosis", "diagnosis_id")
    primary: bool


@dataclass(frozen=True, kw_only=True)
class DiagnosisEnteredInError(DiagnosisEvent):
    audited = (AuditAction.ENTERED_IN_ERROR, "diagnosis", "diagnosis_id")
    reason: str  # clinical: the history shows it to clinical readers only; the audit never


@dataclass(frozen=True, kw_only=True)
class PlanEvent(DomainEvent):
    case_id: CaseId
    plan_id: UUID
    person_id: PersonId


@dataclass(frozen=True, kw_only=True)
class PlanDrafted(PlanEvent):
    audited = (AuditAction.CREATE, "treatment_plan", "plan_id")
    number: int


@dataclass(frozen=True, kw_only=True)
class PlanRevised(PlanEvent):
    audited = (AuditAction.CHANGE, "treatment_plan", "plan_id")


@dataclass(frozen=True, kw_only=True)
class PlanSigned(PlanEvent):
    audited = (AuditAction.SIGN, "treatment_plan", "plan_id")
    number: int
    sha256: str
