"""Use cases of billing responsibilities: who pays for the case or one participant."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, Permission
from core.domain.cases.case import Case
from core.domain.shared.values import CaseId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case
from core.services.cases.lookups import person_names
from core.services.cases.payer_terms import Payer, billing_of, payer_in
from core.services.shared.use_case import Command, Deps


class AddBillingResponsibility(Command, frozen=True, kw_only=True):
    case_id: CaseId
    payer: Payer
    from_day: date | None = None


async def add_billing_responsibility(
    deps: Deps, actor: Actor, cmd: AddBillingResponsibility
) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        payer = await payer_in(deps, uow, actor, cmd.payer)
        day = cmd.from_day or deps.clock.today()
        added = case.add_billing(billing_of(deps, payer, day))
        if added.covers is not None:
            await person_names(uow, [added.covers])

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_BILLING, change)


class EndBillingResponsibility(Command, frozen=True, kw_only=True):
    case_id: CaseId
    responsibility_id: UUID
    on: date | None = None


async def end_billing_responsibility(
    deps: Deps, actor: Actor, cmd: EndBillingResponsibility
) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        on = cmd.on or deps.clock.today()
        case.end_billing(cmd.responsibility_id, on)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_BILLING, change)
