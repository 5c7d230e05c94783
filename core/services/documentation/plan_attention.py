"""Documentation's "needs attention" section for treatment plans: a clinician's plans in force
past their review date, most overdue first (`plans_due_for_review`: the list and the
participants' names). The rows name the case, the participant and the dates, never a problem,
goal or intervention."""

from __future__ import annotations

from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.services.documentation.plans_due import PlanDueView, plans_due_for_review
from core.services.shared.attention import AttentionRow, AttentionSection
from core.services.shared.use_case import Deps


def _overdue(days: int) -> str:
    return "due today" if days <= 0 else "1 day overdue" if days == 1 else f"{days} days overdue"


def _row(plan: PlanDueView) -> AttentionRow:
    whose = f"{plan.name}'s plan" if plan.name else "Plan"
    return AttentionRow(
        label=plan.case_name,
        detail=f"{whose} (version {plan.number}), review of "
        f"{plan.review_on:%d %b %Y} {_overdue(plan.days_overdue)}",
        target="clinical",  # the case's clinical record, where the plan is reviewed
        target_id=plan.case_id,
    )


async def plan_sections(
    deps: Deps, actor: StaffActor, *, counting: bool = False
) -> list[AttentionSection]:
    if not actor.has(StaffRole.CLINICIAN):
        return []
    due = await plans_due_for_review(deps, actor, actor.id, named=not counting)
    return [
        AttentionSection(
            key="plans.due",
            title="Treatment plans due for review",
            rows=[_row(p) for p in due],
            total=len(due),
        )
    ]
