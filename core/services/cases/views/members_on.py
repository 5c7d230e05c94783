"""Who was in a case on a day."""

from __future__ import annotations

from datetime import date

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.shared.values import CaseId
from core.services.cases.changes import load_case
from core.services.cases.views.case_page import MemberView, member_view
from core.services.shared.use_case import Deps


async def members_on(deps: Deps, actor: Actor, case_id: CaseId, day: date) -> list[MemberView]:
    """Who was in the case on `day`."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.VIEW_CASE)
        members = case.members_on(day)
        people = await uow.people.get_many(m.person_id for m in members)
    names = {pid: p.display_name for pid, p in people.items()}
    return [member_view(m, names) for m in members]
