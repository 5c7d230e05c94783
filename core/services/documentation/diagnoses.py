"""Use cases for clinical records. The case kind's policy refuses them where they don't belong."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, Permission
from core.domain.cases.case import Case
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.values import CaseId, Period, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case
from core.services.cases.lookups import person_names
from core.services.shared.use_case import Command, Deps


class AddDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    code: str
    description: str = ""
    from_day: date | None = None
    to_day: date | None = None


async def add_diagnosis(deps: Deps, actor: Actor, cmd: AddDiagnosis) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        await person_names(uow, [cmd.person_id])
        case.add_diagnosis(
            Diagnosis(
                id=deps.ids.new(),
                person_id=cmd.person_id,
                code=cmd.code,
                description=cmd.description,
                period=Period(cmd.from_day or deps.clock.today(), cmd.to_day),
            )
        )

    return await change_case(deps, actor, cmd.case_id, Permission.WRITE_CLINICAL, change)


class EndDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    diagnosis_id: UUID
    on: date | None = None


async def end_diagnosis(deps: Deps, actor: Actor, cmd: EndDiagnosis) -> Case:
    async def change(case: Case, _: UnitOfWork) -> None:
        on = cmd.on or deps.clock.today()
        case.end_diagnosis(cmd.diagnosis_id, on)

    return await change_case(deps, actor, cmd.case_id, Permission.WRITE_CLINICAL, change)
