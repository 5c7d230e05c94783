"""The shared steps of changing a case: load, authorize, change, commit through the bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit form of one field of the case read: the case's version, and the field as
    the form showed it (`was`, "" for none). Stale when the case changed since AND the field is
    no longer what was read: a booking or a new member (each a new version of the case) does
    not make a rename stale, someone else's rename does. Without `was`, any change since the
    version is. Without a version (no form: a script), nothing is."""

    version: int | None
    was: str | None
    now: Callable[[Case], object]

    def stale(self, case: Case) -> bool:
        if self.version is None or self.version == case.version:
            return False
        return self.was is None or shown(self.now(case)) != self.was.strip()


def shown(value: object) -> str:
    """A field's value as an edit form shows it (and sends it back as read)."""
    if value is None:
        return ""
    return str(getattr(value, "value", value)).strip()


async def change_case(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    permission: Permission | Callable[[Case], Permission],
    change: CaseChange,
    edit: Edit | None = None,
) -> Case:
    """Load, authorize, change and commit: the steps every case use case shares. The case
    records what happened; its history is written from those events. `permission` may depend
    on the loaded case (ending a duty needs that duty's permission). `edit`: what an edit
    form read; one made stale by someone else's change is refused (`ConcurrencyConflict`),
    never applied over it."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        needed = permission(case) if callable(permission) else permission
        require(actor, case, deps.clock.today(), needed)
        if edit is not None and edit.stale(case):
            raise ConcurrencyConflict("This case")
        await change(case, uow)
        await uow.cases.update(case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
        return case
