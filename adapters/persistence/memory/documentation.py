"""In-memory repositories of clinical documentation."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from adapters.persistence.memory.store import Repository, Table
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import StaffDuty
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.documentation.plans import PlanDue, TreatmentPlan
from core.domain.shared.errors import ConcurrencyConflict
from core.domain.shared.values import CaseId, PersonId, StaffId

_TREATING = {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST}


class MemoryDiagnosisRepository(Repository[Diagnosis]):
    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[Diagnosis]:
        wanted = set(case_ids)
        # In recorded order: the table keeps insertion order.
        return [
            copy.deepcopy(d)
            for d in self._t.visible()
            if d.case_id in wanted and d.entered_in_error is None
        ]


@dataclass(slots=True)
class PlanNumber:
    """A participant's version number taken, as its own row: two units of work adding the
    same number meet at commit, as the SQL stores' unique key makes them meet."""

    id: tuple[CaseId, PersonId, int]
    version: int = 0


class MemoryTreatmentPlanRepository(Repository[TreatmentPlan]):
    def __init__(
        self, table: Table[TreatmentPlan], numbers: Table[PlanNumber], cases: Table[Case]
    ) -> None:
        super().__init__(table)
        self._numbers = numbers
        self._cases = cases

    def _of_case(self, case_id: CaseId) -> list[TreatmentPlan]:
        return [p for p in self._t.visible() if p.case_id == case_id]

    async def for_case(self, case_id: CaseId) -> list[TreatmentPlan]:
        plans = self._of_case(case_id)
        first: dict[PersonId, datetime] = {}
        for p in sorted(plans, key=lambda p: (p.number, p.written_at)):
            first.setdefault(p.person_id, p.written_at)
        plans.sort(key=lambda p: (first[p.person_id], str(p.person_id), p.number))
        return copy.deepcopy(plans)

    async def latest(self, case_id: CaseId, person_id: UUID) -> TreatmentPlan | None:
        mine = [p for p in self._of_case(case_id) if p.person_id == person_id]
        return copy.deepcopy(max(mine, key=lambda p: p.number)) if mine else None

    async def add(self, plan: TreatmentPlan) -> None:
        if any(
            p.person_id == plan.person_id and p.number == plan.number
            for p in self._of_case(plan.case_id)
        ):
            raise ConcurrencyConflict("This treatment plan")
        self._numbers.add(PlanNumber((plan.case_id, plan.person_id, plan.number)))
        self._t.add(plan)

    async def update(self, plan: TreatmentPlan) -> None:
        stored = self._t.get(plan.id)
        if stored is not None and stored.signature is not None:
            raise ConcurrencyConflict("This signed treatment plan")
        self._t.update(plan)

    async def due_for_review(self, staff_id: StaffId, today: date) -> list[PlanDue]:
        in_force: dict[tuple[CaseId, PersonId], TreatmentPlan] = {}
        for p in self._t.visible():
            key = (p.case_id, p.person_id)
            if p.signature is not None and (key not in in_force or in_force[key].number < p.number):
                in_force[key] = p
        due = []
        for (case_id, person_id), plan in in_force.items():
            case = self._cases.get(case_id)
            if (
                case is None
                or not plan.due_for_review(today)
                or case.closed_on is not None
                or not case.duties_of(staff_id, today) & _TREATING
                or all(m.person_id != person_id for m in case.members_on(today))
            ):
                continue
            due.append(
                PlanDue(
                    plan_id=plan.id,
                    case_id=case_id,
                    case_name=case.name,
                    person_id=person_id,
                    number=plan.number,
                    review_on=plan.content.review_on,
                )
            )
        due.sort(key=lambda d: (d.review_on, d.case_name, str(d.plan_id)))
        return due
