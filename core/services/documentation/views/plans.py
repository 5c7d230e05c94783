"""Treatment plans as the clinical record shows them: per participant the plan in force, a draft
of the next version if one is being written, and the versions it superseded (readable one by one,
each read audited)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.kinds import RecordType
from core.domain.documentation.plans import TreatmentPlan
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.services.cases.changes import load_case
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View


class ObjectiveView(View, frozen=True, kw_only=True):
    text: str
    target_on: date


class GoalView(View, frozen=True, kw_only=True):
    text: str
    objectives: list[ObjectiveView]


class PlanVersionView(View, frozen=True, kw_only=True):
    plan_id: UUID
    person_id: PersonId
    name: str
    number: int
    version: int  # of the draft, for the form that saves it again
    problems: list[str]
    goals: list[GoalView]
    interventions: list[str]
    review_on: date
    written_by: str
    written_at: datetime
    signed_by: str | None
    signed_at: datetime | None
    sha256: str | None
    intact: bool  # the signed content still hashes to what was signed
    in_force: bool  # the newest signed version
    due_for_review: bool


class ParticipantPlans(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    in_force: PlanVersionView | None
    draft: PlanVersionView | None
    superseded: list[PlanVersionView]  # newest first


def version_view(
    plan: TreatmentPlan, name: str, staff: dict[StaffId, str], in_force: bool, today: date
) -> PlanVersionView:
    signature = plan.signature
    content = plan.content
    return PlanVersionView(
        plan_id=plan.id,
        person_id=plan.person_id,
        name=name,
        number=plan.number,
        version=plan.version,
        problems=list(content.problems),
        goals=[
            GoalView(
                text=g.text,
                objectives=[
                    ObjectiveView(text=o.text, target_on=o.target_on) for o in g.objectives
                ],
            )
            for g in content.goals
        ],
        interventions=list(content.interventions),
        review_on=content.review_on,
        written_by=staff.get(plan.written_by, "") if plan.written_by else "",
        written_at=plan.written_at,
        signed_by=staff.get(signature.by, "a former staff member") if signature else None,
        signed_at=signature.at if signature else None,
        sha256=signature.sha256 if signature else None,
        intact=plan.intact(),
        in_force=in_force,
        due_for_review=in_force and plan.due_for_review(today),
    )


def participant_plans(
    plans: list[TreatmentPlan],
    names: dict[PersonId, str],
    staff: dict[StaffId, str],
    today: date,
) -> list[ParticipantPlans]:
    """`plans`: every version of the case, by participant then number (the store's order)."""
    by_person: dict[PersonId, list[TreatmentPlan]] = {}
    for plan in plans:
        by_person.setdefault(plan.person_id, []).append(plan)
    shown = []
    for person_id, versions in by_person.items():
        name = names.get(person_id, "")
        signed = [p for p in versions if p.signed]
        newest = signed[-1] if signed else None
        draft = next((p for p in versions if not p.signed), None)
        shown.append(
            ParticipantPlans(
                person_id=person_id,
                name=name,
                in_force=version_view(newest, name, staff, True, today) if newest else None,
                draft=version_view(draft, name, staff, False, today) if draft else None,
                superseded=[
                    version_view(p, name, staff, False, today) for p in reversed(signed[:-1])
                ],
            )
        )
    return shown


async def plan_version(deps: Deps, actor: Actor, case_id: CaseId, plan_id: UUID) -> PlanVersionView:
    """One version of a plan on its own page (a superseded one, to read it as it was signed):
    for the case's clinical readers only, and audited as a read of that version."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, today, Permission.VIEW_CLINICAL)
        case.policy.require(RecordType.TREATMENT_PLAN)
        plan = await uow.plans.get(plan_id)
        if plan is None or plan.case_id != case.id:
            raise NotFound("That treatment plan is not part of this case.")
        newest = await uow.plans.for_case(case.id)
        person = await uow.people.get(plan.person_id)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    signed = [p for p in newest if p.person_id == plan.person_id and p.signed]
    in_force = bool(signed) and signed[-1].id == plan.id
    await audit_read(deps, actor, AuditObject.TREATMENT_PLAN, plan.id, case)
    name = person.display_name if person else ""
    return version_view(plan, name, staff, in_force, today)
