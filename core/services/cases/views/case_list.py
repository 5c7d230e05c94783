"""The case list: filters, search and paging inside the viewer's access."""

from __future__ import annotations

from datetime import date

import msgspec

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    StaffScope,
    listing_scope,
    may_see_caseload,
    reference_day,
    staff_permissions,
)
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind
from core.domain.cases.listing import CaseListing
from core.domain.cases.responsibilities import StaffDuty
from core.domain.shared.errors import Forbidden
from core.domain.shared.values import StaffId
from core.ports import CaseListQuery
from core.services.cases.views.caseload import CaseSummary, _summary
from core.services.shared.use_case import Deps, View

# A clinician's caseload: the cases they treat or supervise.
_CASELOAD_DUTIES = frozenset(
    {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST, StaffDuty.SUPERVISOR}
)


def _roles(actor: StaffActor, case: CaseListing, today: date) -> list[str]:
    """The actor's duties on the case's reference day: a closed case shows the part they had."""
    return sorted(d.label for d in case.duties_of(actor.id, reference_day(case, today)))


class CaseFilter(msgspec.Struct, frozen=True, kw_only=True):
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    open_only: bool = False
    clinician_id: StaffId | None = None  # "my caseload" is the actor's own id
    text: str = ""
    page: int = 1
    per_page: int = 50


class CaseListPage(View, frozen=True, kw_only=True):
    items: list[CaseSummary]
    total: int  # counted up to a cap: with `more`, "at least total" (shown as "200+")
    page: int
    pages: int  # with `more`, the pages known so far (there is at least one after this one)
    more: bool = False


async def list_cases(deps: Deps, actor: Actor, f: CaseFilter) -> CaseListPage:
    """A page of the cases the actor may see, by name. The store narrows by staff first, so
    the page stays one fixed set of queries on thousands of cases."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members list cases.")
    today = deps.clock.today()
    held_by = None
    if f.clinician_id is not None:
        if not may_see_caseload(actor, f.clinician_id):
            raise Forbidden("You may list your own cases and those of staff you work with.")
        held_by = StaffScope(frozenset({f.clinician_id}), _CASELOAD_DUTIES)
    per_page = max(1, min(f.per_page, 200))
    page = max(1, f.page)
    query = CaseListQuery(
        today=today,
        visible_to=listing_scope(actor),
        held_by=held_by,
        kind=f.kind,
        status=f.status,
        open_only=f.open_only,
        text=f.text.strip()[:100],
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    async with deps.uow() as uow:
        cases, counted = await uow.cases.list_page(query)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    items = [
        _summary(case, today, staff, _roles(actor, case, today))
        for case in cases
        # The store applied the same rules; this is the policy's own word on each row.
        if Permission.VIEW_CASE in staff_permissions(actor, case, today)
    ]
    # Counting stops one past the cap: what is shown is "200+", the pages known so far.
    more = counted >= query.count_limit
    total = counted - 1 if more else counted
    return CaseListPage(
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-counted // per_page)),
        more=more,
    )
