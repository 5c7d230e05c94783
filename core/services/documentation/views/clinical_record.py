"""A case's clinical record screen."""

from __future__ import annotations

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.kinds import RecordType
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId
from core.services.cases.changes import load_case
from core.services.cases.views.case_page import CaseOverview, build_overview
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps


async def case_clinical(deps: Deps, actor: Actor, case_id: CaseId) -> CaseOverview:
    """The case with its clinical panel, for clinical readers of a psychotherapy case only:
    anyone else is refused, whatever URL they type."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CLINICAL)
        case.policy.require(RecordType.DIAGNOSIS)
        people = await uow.people.get_many(case.related_person_ids())
        staff = {s.id: s for s in await uow.staff.list_all()}
    await audit_read(deps, actor, AuditObject.CLINICAL_RECORD, case.id, case)
    return build_overview(case, granted, today, people, staff, {})
