"""Use cases and views of organizations in the directory."""

from __future__ import annotations

from core.domain.cases.access import (
    Actor,
    may_change_organization,
)
from core.domain.directory.parties import (
    Organization,
)
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import OrganizationId
from core.services.directory.listing import Listing, listing, require_directory
from core.services.shared.audit import audit_change
from core.services.shared.use_case import Command, Deps


class OrganizationDetails(Command, frozen=True, kw_only=True):
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    contact_person: str = ""


class RegisterOrganization(OrganizationDetails, frozen=True, kw_only=True):
    pass


class UpdateOrganization(OrganizationDetails, frozen=True, kw_only=True):
    organization_id: OrganizationId
    version: int


def _organization(
    organization_id: OrganizationId, details: OrganizationDetails, version: int = 0
) -> Organization:
    return Organization(
        id=organization_id,
        name=details.name,
        email=details.email,
        phone=details.phone,
        address=details.address,
        contact_person=details.contact_person,
        version=version,
    )


async def register_organization(
    deps: Deps, actor: Actor, cmd: RegisterOrganization
) -> OrganizationId:
    require_directory(actor)
    organization = _organization(OrganizationId(deps.ids.new()), cmd)
    async with deps.uow() as uow:
        await uow.organizations.add(organization)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CREATE, "organization", organization.id)
    return organization.id


async def update_organization(deps: Deps, actor: Actor, cmd: UpdateOrganization) -> Organization:
    require_directory(actor)
    async with deps.uow() as uow:
        if await uow.organizations.get(cmd.organization_id) is None:
            raise NotFound("No such organization.")
        paid = await uow.cases.get_many(await uow.cases.ids_for_organization(cmd.organization_id))
        if not may_change_organization(actor, paid, deps.clock.today()):
            raise Forbidden(
                "Only the owner and staff who handle billing for one of its cases change an "
                "organization's details."
            )
        organization = _organization(cmd.organization_id, cmd, cmd.version)
        await uow.organizations.update(organization)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CHANGE, "organization", organization.id)
    return organization


async def get_organization(
    deps: Deps, actor: Actor, organization_id: OrganizationId
) -> Organization:
    require_directory(actor)
    async with deps.uow() as uow:
        organization = await uow.organizations.get(organization_id)
    if organization is None:
        raise NotFound("No such organization.")
    return organization


async def find_organizations(
    deps: Deps, actor: Actor, text: str, limit: int = 20
) -> list[Organization]:
    require_directory(actor)
    if not text.strip():
        return []
    async with deps.uow() as uow:
        return await uow.organizations.search(text, min(limit, 100))


async def list_organizations(deps: Deps, actor: Actor, limit: int = 50) -> Listing[Organization]:
    """The first `limit` organizations by name, in one query (see `list_people`)."""
    require_directory(actor)
    limit = max(1, min(limit, 100))
    async with deps.uow() as uow:
        found = await uow.organizations.search("", limit + 1)
    return listing(found, limit)
