"""What clinical documentation needs to keep: diagnoses and treatment plans."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol
from uuid import UUID

from core.domain.documentation.diagnoses import Diagnosis
from core.domain.documentation.plans import PlanDue, TreatmentPlan
from core.domain.shared.values import CaseId, StaffId
from core.ports.cases import CasesStore


class DiagnosisRepository(Protocol):
    async def get(self, diagnosis_id: UUID) -> Diagnosis | None: ...
    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[Diagnosis]:
        """The diagnoses of these cases in the order they were recorded, without those
        entered in error (out of every view and calculation; `get` still finds them)."""
        ...

    async def add(self, diagnosis: Diagnosis) -> None: ...
    async def update(self, diagnosis: Diagnosis) -> None:
        """Store an ended diagnosis or one entered in error; `ConcurrencyConflict` if it was
        ended or marked meanwhile."""
        ...


class TreatmentPlanRepository(Protocol):
    async def get(self, plan_id: UUID) -> TreatmentPlan | None: ...
    async def for_case(self, case_id: CaseId) -> list[TreatmentPlan]:
        """Every version of every participant's plan in the case, by participant (in the
        order their first version was written) then by number."""
        ...

    async def latest(self, case_id: CaseId, person_id: UUID) -> TreatmentPlan | None:
        """The participant's newest version, signed or draft."""
        ...

    async def add(self, plan: TreatmentPlan) -> None:
        """A new version; `ConcurrencyConflict` when another with its number was added
        meanwhile (two tabs starting the next version)."""
        ...

    async def update(self, plan: TreatmentPlan) -> None:
        """Store a draft revised or signed; `ConcurrencyConflict` if it was saved or signed
        meanwhile. A version stored signed is never written again."""
        ...

    async def due_for_review(self, staff_id: StaffId, today: date) -> list[PlanDue]:
        """The plans in force (newest signed version) whose review date is before `today`,
        of participants still in open cases where `staff_id` treats today (responsible
        provider or co-therapist), most overdue first. One query."""
        ...


class DocumentationStore(CasesStore, Protocol):
    """Documentation's store: the cases it documents, plus its own records."""

    @property
    def diagnoses(self) -> DiagnosisRepository: ...
    @property
    def plans(self) -> TreatmentPlanRepository: ...
