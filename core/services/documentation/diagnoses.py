"""Use cases of diagnoses. The case kind's policy refuses them where they don't belong."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, Period, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import actor_staff_id, load_case, on_behalf_for
from core.services.cases.lookups import person_names
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps


class AddDiagnosis(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    code: str
    description: str = ""
    from_day: date | None = None
    to_day: date | None = None


async def _write_clinical(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    write: Callable[[Case, UnitOfWork], Awaitable[Diagnosis]],
) -> Diagnosis:
    """Load the case, check the actor writes its clinical record, write, commit."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.WRITE_CLINICAL)
        diagnosis = await write(case, uow)
        # The case was an ordinary read: writing its version makes a close committed meanwhile
        # a conflict, as for every other change of the case.
        await uow.cases.update(case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
    return diagnosis


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
        )
        await uow.diagnoses.add(diagnosis)
        return diagnosis

    return await _write_clinical(deps, actor, cmd.case_id, write)


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

    return await _write_clinical(deps, actor, cmd.case_id, write)


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

    return await _write_clinical(deps, actor, cmd.case_id, write)
