"""Settings · Services: the owner and the administrators add services, change them and retire
them (a retired service is no longer offered; the sessions booked with it keep it)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Response, get, post
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.directory.settings import CacheParam, conflict_rows
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.fees import parse_amount, show_amount
from core.domain.scheduling.services import Service
from core.domain.shared.errors import Forbidden
from core.services import scheduling
from core.services.directory.practice_settings import PracticeCache
from core.services.scheduling.settings import may_keep_scheduling
from core.services.shared.use_case import Deps

LABELS = {
    "name": "Name",
    "service_line": "Kind of work",
    "minutes": "Default length (minutes)",
    "fee": "Fee",
    "billing_code": "Billing code",
    "late_cancel_fee": "Late-cancellation fee",
    "no_show_fee": "No-show fee",
    "active": "Offered",
}


class ServiceForm(msgspec.Struct, kw_only=True):
    name: str = ""
    service_line: Annotated[ServiceLine, what("a kind of work")]
    minutes: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    fee: str = ""
    billing_code: str | None = None
    late_cancel_fee: str | None = None
    no_show_fee: str | None = None

    def details(self, currency: str) -> dict[str, Any]:
        return {
            "name": self.name,
            "service_line": self.service_line,
            "minutes": self.minutes,
            "fee_minor": parse_amount(self.fee, field="fee"),
            "currency": currency,
            "billing_code": self.billing_code,
            "late_cancel_fee": self.late_cancel_fee,
            "no_show_fee": self.no_show_fee,
        }


class ChangeServiceForm(ServiceForm, kw_only=True):
    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)] = 0
    active: bool = False


def values_of(s: Service) -> dict[str, Any]:
    return {
        "name": s.name,
        "service_line": s.service_line.value,
        "minutes": str(s.minutes),
        "fee": show_amount(s.fee.amount_minor),
        "billing_code": s.billing_code or "",
        "late_cancel_fee": str(s.late_cancel_fee or ""),
        "no_show_fee": str(s.no_show_fee or ""),
        "active": "on" if s.active else "",
        "version": str(s.version),
    }


def _require(actor: StaffActor) -> None:
    # The core refuses the change itself; this keeps clinicians off the screens altogether.
    if not may_keep_scheduling(actor):
        raise Forbidden("Only the practice owner and the administrators keep the settings.")


async def _currency(deps: Deps, cache: PracticeCache) -> str:
    return (await cache.current(deps.uow)).currency


async def _list(
    deps: Deps,
    actor: StaffActor,
    cache: PracticeCache,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    context = {
        "actor": actor,
        "section": "services",
        "services": await scheduling.list_services(deps, actor, include_inactive=True),
        "currency": await _currency(deps, cache),
        "lines": list(ServiceLine),
        "values": values,
        "errors": errors,
        "show_amount": show_amount,
    }
    return Template("scheduling/settings/services.html", context=context, status_code=status)


async def _one(
    deps: Deps,
    actor: StaffActor,
    cache: PracticeCache,
    service: Service,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    conflict: list[tuple[str, str, str]] | None = None,
) -> Template:
    context = {
        "actor": actor,
        "section": "services",
        "service": service,
        "currency": await _currency(deps, cache),
        "lines": list(ServiceLine),
        "values": values,
        "errors": errors,
        "conflict": conflict,
    }
    return Template("scheduling/settings/service.html", context=context, status_code=status)


class ServiceSettings(StaffController):
    path = "/settings/services"

    @get("")
    async def services(
        self, deps: DepsParam, actor: ActorParam, practice_cache: CacheParam
    ) -> Template:
        _require(actor)
        return await _list(deps, actor, practice_cache, {"minutes": "50"}, {})

    @post("/new")
    async def add_service(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, practice_cache: CacheParam
    ) -> Response[Any]:
        _require(actor)
        form = await request.form()

        async def run() -> UUID:
            typed = forms.read(form, ServiceForm)
            currency = await _currency(deps, practice_cache)
            command = scheduling.CreateService(**typed.details(currency))
            return await scheduling.create_service(deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            return await _list(deps, actor, practice_cache, refusal.values, refusal.errors, 422)

        return await form_action(form, run, done=redirect_to("/settings/services"), again=again)

    @get("/{service_id:uuid}")
    async def service_page(
        self, deps: DepsParam, actor: ActorParam, practice_cache: CacheParam, service_id: PathId
    ) -> Template:
        _require(actor)
        service = await scheduling.get_service(deps, actor, service_id)
        return await _one(deps, actor, practice_cache, service, values_of(service), {})

    @post("/{service_id:uuid}")
    async def change_service(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        practice_cache: CacheParam,
        service_id: PathId,
    ) -> Response[Any]:
        _require(actor)
        service = await scheduling.get_service(deps, actor, service_id)
        form = await request.form()

        async def run() -> Service:
            typed = forms.read(form, ChangeServiceForm)
            currency = await _currency(deps, practice_cache)
            command = scheduling.UpdateService(
                service_id=service.id,
                version=typed.version,
                active=typed.active,
                **typed.details(currency),
            )
            return await scheduling.update_service(deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            now = await scheduling.get_service(deps, actor, service_id)
            if not refusal.conflict:
                return await _one(
                    deps, actor, practice_cache, now, refusal.values, refusal.errors, 422
                )
            rows = conflict_rows(values_of(now), refusal.values, LABELS)
            values = {**refusal.values, "version": str(now.version)}
            return await _one(
                deps, actor, practice_cache, now, values, refusal.errors, 422, conflict=rows
            )

        done = redirect_to("/settings/services")
        return await form_action(form, run, done=done, again=again, conflict_status=422)
