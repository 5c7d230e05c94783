"""The shared steps of changing a case: load, authorize, change, commit through the bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.domain.cases.access import Actor, Permission, StaffActor, require, working_for
from core.domain.cases.case import Case
from core.domain.shared.errors import ConcurrencyConflict, NotFound
from core.domain.shared.values import CaseId, StaffId
from core.ports import UnitOfWork
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps


async def load_case(uow: UnitOfWork, case_id: CaseId) -> Case:
    case = await uow.cases.get(case_id)
    if case is None:
        raise NotFound("No such case.")
    return case


def on_behalf_for(deps: Deps, actor: Actor, case: Case) -> StaffId | None:
    """For whom the actor changes this case today (the access policy's `working_for`)."""
    return working_for(actor, case, deps.clock.today())


def actor_staff_id(actor: Actor) -> StaffId | None:
    """Who to name as having made a correction (None: the practice itself)."""
    return actor.id if isinstance(actor, StaffActor) else None


CaseChange = Callable[[Case, UnitOfWork], Awaitable[None]]


async def change_case(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    permission: Permission | Callable[[Case], Permission],
    change: CaseChange,
    read_version: int | None = None,
) -> Case:
    """Load, authorize, change and commit: the steps every case use case shares. The case
    records what happened; its history is written from those events. `permission` may depend
    on the loaded case (ending a duty needs that duty's permission). `read_version`: the
    version an edit form was read at; a case changed since is refused (`ConcurrencyConflict`),
    never overwritten blindly (None: no form, as a script changing the case as it is)."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        needed = permission(case) if callable(permission) else permission
        require(actor, case, deps.clock.today(), needed)
        if read_version is not None and read_version != case.version:
            raise ConcurrencyConflict("This case")
        await change(case, uow)
        await uow.cases.update(case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
        return case
