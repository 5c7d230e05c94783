"""An organization's page: its details and the cases it pays for that the viewer sees."""

from __future__ import annotations

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    case_permissions,
    may_change_organization,
)
from core.domain.directory.parties import Organization
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import OrganizationId
from core.services.cases.views.caseload import CaseSummary, _summary, by_name
from core.services.shared.use_case import Deps, View


class OrganizationCases(View, frozen=True, kw_only=True):
    organization: Organization
    cases: list[CaseSummary]
    can_edit: bool  # see access.may_change_organization


async def organization_page(
    deps: Deps, actor: Actor, organization_id: OrganizationId
) -> OrganizationCases:
    """An organization's details and the cases it pays for that the actor may see."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members see an organization's cases.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        organization = await uow.organizations.get(organization_id)
        if organization is None:
            raise NotFound("No such organization.")
        cases = await uow.cases.get_many(await uow.cases.ids_for_organization(organization_id))
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    return OrganizationCases(
        organization=organization,
        can_edit=may_change_organization(actor, cases, today),
        cases=by_name(
            _summary(case, today, staff, ["payer"])
            for case in cases
            if Permission.VIEW_CASE in case_permissions(actor, case, today)
        ),
    )
