"""Plans due for review: the "Needs attention" list's line for treatment plans. A plan in force
whose review date has passed, of the clients a clinician treats today."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, StaffActor
from core.domain.shared.errors import Forbidden
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.services.shared.use_case import Deps, View


class PlanDueView(View, frozen=True, kw_only=True):
    plan_id: UUID
    case_id: CaseId
    case_name: str
    person_id: PersonId
    name: str
    number: int
    review_on: date
    days_overdue: int


async def plans_due_for_review(
    deps: Deps, actor: Actor, staff_id: StaffId, *, named: bool = True
) -> list[PlanDueView]:
    """The plans `staff_id` is to review, most overdue first: their own list for a clinician,
    anyone's for the owner (the practice's totals). No clinical content: whose plan, which
    case, since when. One query for the list and one for the participants' names (none when
    not `named`: the header's count after every page needs only how many)."""
    if not isinstance(actor, StaffActor) or (actor.id != staff_id and not actor.is_owner):
        raise Forbidden("This list is the clinician's own.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        due = await uow.plans.due_for_review(staff_id, today)
        wanted = {d.person_id for d in due} if named else set()
        names = await uow.people.display_names(wanted) if wanted else {}
    return [
        PlanDueView(
            plan_id=d.plan_id,
            case_id=d.case_id,
            case_name=d.case_name,
            person_id=d.person_id,
            name=names.get(d.person_id, ""),
            number=d.number,
            review_on=d.review_on,
            days_overdue=(today - d.review_on).days,
        )
        for d in due
    ]
