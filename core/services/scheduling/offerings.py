"""Use cases of the services the practice offers."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor, may_manage_staff
from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.services import Service
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import Money
from core.services.shared.use_case import Command, Deps, staff_actor


class ServiceDetails(Command, frozen=True, kw_only=True):
    name: str
    service_line: ServiceLine
    minutes: int
    fee_minor: int
    currency: str = "USD"
    billing_code: str | None = None


class CreateService(ServiceDetails, frozen=True, kw_only=True):
    pass


class UpdateService(ServiceDetails, frozen=True, kw_only=True):
    service_id: UUID
    version: int
    active: bool = True


def _require_owner(actor: Actor) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes the services the practice offers.")


def _service(service_id: UUID, d: ServiceDetails, version: int = 0, active: bool = True) -> Service:
    return Service(
        id=service_id,
        name=d.name,
        service_line=d.service_line,
        minutes=d.minutes,
        fee=Money(d.fee_minor, d.currency.strip().upper()),
        billing_code=d.billing_code,
        active=active,
        version=version,
    )


async def create_service(deps: Deps, actor: Actor, cmd: CreateService) -> UUID:
    _require_owner(actor)
    service = _service(deps.ids.new(), cmd)
    async with deps.uow() as uow:
        await uow.services.add(service)
        await uow.commit()
    return service.id


async def update_service(deps: Deps, actor: Actor, cmd: UpdateService) -> Service:
    _require_owner(actor)
    async with deps.uow() as uow:
        if await uow.services.get(cmd.service_id) is None:
            raise NotFound("No such service.")
        service = _service(cmd.service_id, cmd, cmd.version, cmd.active)
        await uow.services.update(service)
        await uow.commit()
    return service


async def list_services(
    deps: Deps, actor: Actor, *, include_inactive: bool = False
) -> list[Service]:
    staff_actor(actor)
    async with deps.uow() as uow:
        return await uow.services.list_all(include_inactive=include_inactive)
