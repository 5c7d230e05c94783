"""Use cases of diagnoses. The case kind's policy refuses them where they don't belong."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor
from core.domain.cases.case import Case
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, Period, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import actor_staff_id
from core.services.cases.lookups import person_names
from core.services.documentation.clinical_writes import write_clinical
from core.services.shared.use_case import Command, Deps


class AddDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    code: str
    description: str = ""
    from_day: date | None = None
    to_day: date | None = None
    primary: bool = False


async def _demote_primary(uow: UnitOfWork, case: Case, keep: Diagnosis) -> None:
    """One primary diagnosis per participant: the one that was primary becomes secondary."""
    for other in await uow.diagnoses.for_cases([case.id]):
        running = other.primary and other.period.end is None
        if running and other.id != keep.id and other.person_id == keep.person_id:
            other.rank_as(case, primary=False)
            await uow.diagnoses.update(other)


async def add_diagnosis(deps: Deps, actor: Actor, cmd: AddDiagnosis) -> Diagnosis:
    async def write(case: Case, uow: UnitOfWork) -> Diagnosis:
        await person_names(uow, [cmd.person_id])
        diagnosis = Diagnosis.record(
            case,
            id=deps.ids.new(),
            person_id=cmd.person_id,
            code=cmd.code,
            description=cmd.description,
            period=Period(cmd.from_day or deps.clock.today(), cmd.to_day),
            primary=cmd.primary,
        )
        if diagnosis.primary:
            await _demote_primary(uow, case, diagnosis)
        await uow.diagnoses.add(diagnosis)
        return diagnosis

    return await write_clinical(deps, actor, cmd.case_id, write)


async def _of_case(uow: UnitOfWork, case: Case, diagnosis_id: UUID) -> Diagnosis:
    diagnosis = await uow.diagnoses.get(diagnosis_id)
    if diagnosis is None or diagnosis.case_id != case.id:
        raise NotFound("That diagnosis is not part of this case.")
    return diagnosis


class EndDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    diagnosis_id: UUID
    on: date | None = None


async def end_diagnosis(deps: Deps, actor: Actor, cmd: EndDiagnosis) -> Diagnosis:
    async def write(case: Case, uow: UnitOfWork) -> Diagnosis:
        diagnosis = await _of_case(uow, case, cmd.diagnosis_id)
        diagnosis.end(case, cmd.on or deps.clock.today())
        await uow.diagnoses.update(diagnosis)
        return diagnosis

    return await write_clinical(deps, actor, cmd.case_id, write)


class RankDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    diagnosis_id: UUID
    primary: bool = True


async def rank_diagnosis(deps: Deps, actor: Actor, cmd: RankDiagnosis) -> Diagnosis:
    """Make a diagnosis the participant's primary one (the former primary becomes secondary),
    or a secondary one."""

    async def write(case: Case, uow: UnitOfWork) -> Diagnosis:
        diagnosis = await _of_case(uow, case, cmd.diagnosis_id)
        diagnosis.rank_as(case, cmd.primary)
        if diagnosis.primary:
            await _demote_primary(uow, case, diagnosis)
        await uow.diagnoses.update(diagnosis)
        return diagnosis

    return await write_clinical(deps, actor, cmd.case_id, write)


class MarkDiagnosisEnteredInError(Command, frozen=True, kw_only=True):
    case_id: CaseId
    diagnosis_id: UUID
    reason: str = ""


async def mark_diagnosis_entered_in_error(
    deps: Deps, actor: Actor, cmd: MarkDiagnosisEnteredInError
) -> Diagnosis:
    async def write(case: Case, uow: UnitOfWork) -> Diagnosis:
        diagnosis = await _of_case(uow, case, cmd.diagnosis_id)
        diagnosis.enter_in_error(case, cmd.reason, actor_staff_id(actor), deps.clock.now())
        await uow.diagnoses.update(diagnosis)
        return diagnosis

    return await write_clinical(deps, actor, cmd.case_id, write)
