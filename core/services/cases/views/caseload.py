"""A clinician's caseload: the cases they hold, with their duties."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from core.domain.cases.access import (
    Actor,
    StaffActor,
    StaffScope,
    listing_scope,
    may_see_caseload,
    reference_day,
    staff_permissions,
)
from core.domain.cases.case import Case
from core.domain.cases.listing import CaseListing
from core.domain.cases.responsibilities import StaffDuty
from core.domain.shared.errors import Forbidden
from core.domain.shared.values import CaseId, StaffId
from core.ports import CaseListQuery
from core.services.shared.use_case import Deps, View

# More than any one clinician holds: the caseload is one list, not pages.
_CASELOAD_LIMIT = 10_000


class CaseSummary(View, frozen=True, kw_only=True):
    id: CaseId
    name: str
    kind: str
    kind_label: str
    status: str
    opened_on: date
    provider_name: str
    active_members: int
    roles: list[str]  # the viewer's (or the person's) relation to the case


def _summary(
    case: Case | CaseListing, day: date, staff: dict[StaffId, str], roles: list[str]
) -> CaseSummary:
    ref = reference_day(case, day)
    provider = case.responsible_provider_on(ref)
    return CaseSummary(
        id=case.id,
        name=case.name,
        kind=case.kind.value,
        kind_label=case.policy.label,
        status=case.status.value,
        opened_on=case.opened_on,
        provider_name=staff.get(provider, "") if provider else "",
        active_members=len(case.members_on(ref)),
        roles=roles,
    )


def by_name(summaries: Iterable[CaseSummary]) -> list[CaseSummary]:
    return sorted(summaries, key=lambda s: (s.status == "closed", s.name.casefold(), str(s.id)))


async def caseload(
    deps: Deps, actor: Actor, clinician_id: StaffId, *, include_closed: bool = False
) -> list[CaseSummary]:
    """The cases a clinician treats or supervises today (or treated, for closed ones)."""
    if not isinstance(actor, StaffActor) or not may_see_caseload(actor, clinician_id):
        raise Forbidden("You may see your own caseload and those of staff you work with.")
    today = deps.clock.today()
    # The store keeps to the cases the clinician holds and the actor may see (one EXISTS each),
    # rather than every case the clinician ever held being loaded to be sorted out here.
    query = CaseListQuery(
        today=today,
        visible_to=listing_scope(actor),
        held_by=StaffScope(frozenset({clinician_id}), frozenset(StaffDuty)),
        open_only=not include_closed,
        limit=_CASELOAD_LIMIT,
    )
    async with deps.uow() as uow:
        cases, _ = await uow.cases.list_page(query)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    result = []
    for case in cases:
        duties = case.duties_of(clinician_id, reference_day(case, today))
        # The store applied the same rules; this is the policy's own word on each row.
        if not duties or not staff_permissions(actor, case, today):
            continue
        result.append(_summary(case, today, staff, sorted(d.label for d in duties)))
    return by_name(result)
