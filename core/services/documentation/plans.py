"""Use cases of treatment plans: write a version (the first, the next, or the draft again) and
sign it. The case kind's policy refuses plans outside psychotherapy; only the case's clinicians
write them (the access policy through `write_clinical`)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor, StaffActor
from core.domain.cases.case import Case
from core.domain.documentation.plans import Goal, Objective, PlanContent, TreatmentPlan
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import actor_staff_id
from core.services.cases.lookups import person_names
from core.services.documentation.clinical_writes import write_clinical
from core.services.shared.use_case import Command, Deps


class ObjectiveInput(msgspec.Struct, frozen=True, kw_only=True):
    text: str = ""
    target_on: date | None = None


class GoalInput(msgspec.Struct, frozen=True, kw_only=True):
    text: str = ""
    objectives: list[ObjectiveInput] = []


class WritePlan(Command, frozen=True, kw_only=True):
    """A plan's content; `plan_id` and `version` name the draft being saved again (None:
    a new version, the first or the one after the signed plan in force). Goals and
    objectives are numbered from 1 in the messages' fields (`goal-2`, `target-2-1`)."""

    case_id: CaseId
    person_id: PersonId
    problems: list[str] = []
    goals: list[GoalInput] = []
    interventions: list[str] = []
    review_on: date | None = None
    plan_id: UUID | None = None
    version: int | None = None


def _content(cmd: WritePlan, today: date) -> PlanContent:
    goals = []
    for g, goal in enumerate(cmd.goals, start=1):
        objectives = []
        for o, objective in enumerate(goal.objectives, start=1):
            if not objective.text.strip():
                continue
            if objective.target_on is None:
                raise InvalidInput(
                    "Give the objective the date it is to be reached by.", field=f"target-{g}-{o}"
                )
            objectives.append(Objective(objective.text, objective.target_on))
        goals.append(Goal(goal.text, tuple(objectives)))
    return PlanContent.of(
        problems=tuple(cmd.problems),
        goals=tuple(goals),
        interventions=tuple(cmd.interventions),
        review_on=cmd.review_on,
        written_on=today,
    )


async def _of_case(uow: UnitOfWork, case: Case, plan_id: UUID) -> TreatmentPlan:
    plan = await uow.plans.get(plan_id)
    if plan is None or plan.case_id != case.id:
        raise NotFound("That treatment plan is not part of this case.")
    return plan


def _same_version(plan: TreatmentPlan, version: int | None) -> None:
    """The draft as the clinician last saw it: saved in another tab meanwhile, this save
    would overwrite that one, so it is refused with a conflict."""
    if version is not None and plan.version != version:
        raise ConcurrencyConflict("This draft of the plan")


async def write_plan(deps: Deps, actor: Actor, cmd: WritePlan) -> TreatmentPlan:
    async def write(case: Case, uow: UnitOfWork) -> TreatmentPlan:
        content = _content(cmd, deps.clock.today())
        if cmd.plan_id is not None:
            plan = await _of_case(uow, case, cmd.plan_id)
            _same_version(plan, cmd.version)
            plan.revise(case, content, actor_staff_id(actor), deps.clock.now())
            await uow.plans.update(plan)
            return plan
        await person_names(uow, [cmd.person_id])
        plan = TreatmentPlan.draft(
            case,
            id=deps.ids.new(),
            person_id=cmd.person_id,
            content=content,
            latest=await uow.plans.latest(case.id, cmd.person_id),
            by=actor_staff_id(actor),
            at=deps.clock.now(),
        )
        await uow.plans.add(plan)
        return plan

    return await write_clinical(deps, actor, cmd.case_id, write)


class SignPlan(Command, frozen=True, kw_only=True):
    case_id: CaseId
    plan_id: UUID
    version: int | None = None  # the draft as read: a draft changed meanwhile is not signed


async def sign_plan(deps: Deps, actor: Actor, cmd: SignPlan) -> TreatmentPlan:
    """The clinician signs the version as it stands. A second click finds it signed and is
    told so; it never signs twice."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only the case's clinicians sign its treatment plans.")
    signer = actor.id

    async def write(case: Case, uow: UnitOfWork) -> TreatmentPlan:
        plan = await _of_case(uow, case, cmd.plan_id)
        _same_version(plan, cmd.version)
        plan.sign(case, signer, deps.clock.now())
        await uow.plans.update(plan)
        return plan

    return await write_clinical(deps, actor, cmd.case_id, write)
