"""Use cases of the services the practice offers. The owner and the administrators keep them
(front-desk work: names, lengths, fees, codes); a service that has been booked is retired, never
deleted, so the sessions booked with it keep it."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor
from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.fees import FeeRule
from core.domain.scheduling.services import Service, ServiceAdded
from core.domain.shared.errors import ConcurrencyConflict, NotFound
from core.domain.shared.values import Money
from core.services.scheduling.settings import require_scheduling_admin
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps, staff_actor


class ServiceDetails(Command, frozen=True, kw_only=True):
    name: str
    service_line: ServiceLine
    minutes: int
    fee_minor: int
    currency: str = "USD"
    billing_code: str | None = None
    # As typed: "" (none), an amount ("75.00") or a percent ("50%") of the fee.
    late_cancel_fee: str | None = None
    no_show_fee: str | None = None


class CreateService(ServiceDetails, frozen=True, kw_only=True):
    pass


class UpdateService(ServiceDetails, frozen=True, kw_only=True):
    service_id: UUID
    version: int
    active: bool = True


def _service(service_id: UUID, d: ServiceDetails, version: int = 0) -> Service:
    fee = Money(d.fee_minor, d.currency.strip().upper())
    return Service(
        id=service_id,
        name=d.name,
        service_line=d.service_line,
        minutes=d.minutes,
        fee=fee,
        billing_code=d.billing_code,
        version=version,
        late_cancel_fee=FeeRule.parse(d.late_cancel_fee, fee.currency, field="late_cancel_fee"),
        no_show_fee=FeeRule.parse(d.no_show_fee, fee.currency, field="no_show_fee"),
    )


async def create_service(deps: Deps, actor: Actor, cmd: CreateService) -> UUID:
    require_scheduling_admin(actor, "the services the practice offers")
    service = _service(deps.ids.new(), cmd)
    service.events.record(ServiceAdded(service_id=service.id))
    async with deps.uow() as uow:
        await uow.services.add(service)
        await commit(deps, uow, actor)
    return service.id


async def update_service(deps: Deps, actor: Actor, cmd: UpdateService) -> Service:
    require_scheduling_admin(actor, "the services the practice offers")
    wanted = _service(cmd.service_id, cmd, cmd.version)  # checked before anything is read
    async with deps.uow() as uow:
        service = await uow.services.get(cmd.service_id)
        if service is None:
            raise NotFound("No such service.")
        if service.version != cmd.version:
            raise ConcurrencyConflict("This service")
        service.change(wanted)
        if cmd.active:
            service.reactivate()
        else:
            service.retire()
        await uow.services.update(service)
        await commit(deps, uow, actor)
    return service


async def get_service(deps: Deps, actor: Actor, service_id: UUID) -> Service:
    staff_actor(actor)
    async with deps.uow() as uow:
        service = await uow.services.get(service_id)
    if service is None:
        raise NotFound("No such service.")
    return service


async def list_services(
    deps: Deps, actor: Actor, *, include_inactive: bool = False
) -> list[Service]:
    staff_actor(actor)
    async with deps.uow() as uow:
        return await uow.services.list_all(include_inactive=include_inactive)


async def services_for(deps: Deps, actor: Actor, line: ServiceLine) -> list[Service]:
    """The services a case of this line of work is offered when booking: active ones of the
    same kind of work, never another's."""
    return [s for s in await list_services(deps, actor) if s.offered_for(line)]
