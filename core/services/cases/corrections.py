"""Use cases of corrections: an item of the case marked "entered in error" with a reason."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import DUTY_PERMISSION, Actor, Permission
from core.domain.cases.case import Case
from core.domain.shared.values import CaseId
from core.ports import UnitOfWork
from core.services.cases.changes import actor_staff_id, change_case
from core.services.shared.use_case import Command, Deps


class MarkEnteredInError(Command, frozen=True, kw_only=True):
    """A membership, staff duty, payer or helper role of the case recorded by mistake."""

    case_id: CaseId
    item_id: UUID
    reason: str = ""


def correcting(case: Case, item_id: UUID) -> Permission:
    """Correcting an item needs the permission that adding it needed. An unknown id needs the
    least permission; the domain then says it is not there."""
    if any(b.id == item_id for b in case.billing):
        return Permission.MANAGE_BILLING
    duty = next((a.duty for a in case.staff if a.id == item_id), None)
    if duty is not None:
        return DUTY_PERMISSION[duty]
    if any(m.id == item_id for m in case.memberships) or any(h.id == item_id for h in case.helpers):
        return Permission.MANAGE_CASE
    return Permission.VIEW_CASE


async def mark_entered_in_error(deps: Deps, actor: Actor, cmd: MarkEnteredInError) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        case.enter_in_error(cmd.item_id, cmd.reason, actor_staff_id(actor), deps.clock.now())

    return await change_case(
        deps, actor, cmd.case_id, lambda case: correcting(case, cmd.item_id), change
    )
