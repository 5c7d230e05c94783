"""The shared steps of changing a case: load, authorize, change, record, commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.domain.cases.access import Actor, Permission, StaffActor, require
from core.domain.cases.case import Case
from core.domain.cases.history import CaseEvent
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, StaffId
from core.ports import UnitOfWork
from core.services.shared.use_case import Deps


@dataclass(frozen=True, slots=True)
class Change:
    """What a case change did, in words for the case history."""

    action: str
    summary: str
    clinical: bool = False


async def load_case(uow: UnitOfWork, case_id: CaseId) -> Case:
    case = await uow.cases.get(case_id)
    if case is None:
        raise NotFound("No such case.")
    return case


async def record(
    deps: Deps,
    uow: UnitOfWork,
    actor: Actor,
    case: Case,
    change: Change,
    on_behalf_of: StaffId | None = None,
) -> None:
    """Append to the case history: who really did it, and for whom."""
    if on_behalf_of is None and isinstance(actor, StaffActor):
        # An administrator changing a clinician's case works on that clinician's behalf.
        today = deps.clock.today()
        provider = case.responsible_provider_on(today)
        if (
            actor.has(StaffRole.ADMINISTRATOR)
            and provider not in (None, actor.id)
            and not case.duties_of(actor.id, today) - {StaffDuty.ADMIN_SUPPORT}
        ):
            on_behalf_of = provider
    await uow.history.append(
        CaseEvent(
            id=deps.ids.new(),
            case_id=case.id,
            at=deps.clock.now(),
            actor_id=actor.id if isinstance(actor, StaffActor) else None,
            action=change.action,
            summary=change.summary,
            clinical=change.clinical,
            on_behalf_of=on_behalf_of,
        )
    )


CaseChange = Callable[[Case, UnitOfWork], Awaitable[Change]]


async def change_case(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    permission: Permission | Callable[[Case], Permission],
    change: CaseChange,
) -> Case:
    """Load, authorize, change, record and commit: the steps every case use case shares.
    `permission` may depend on the loaded case (ending a duty needs that duty's permission)."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        needed = permission(case) if callable(permission) else permission
        require(actor, case, deps.clock.today(), needed)
        done = await change(case, uow)
        await uow.cases.update(case)
        await record(deps, uow, actor, case, done)
        await uow.commit()
        return case
