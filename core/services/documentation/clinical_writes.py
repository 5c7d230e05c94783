"""How every change of the clinical record runs: the case loaded, the actor checked against the
access policy (clinicians of the case write; supervisors, administrators and the owner do not),
the change, the commit with its events (history, audit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case
from core.domain.shared.values import CaseId
from core.ports import UnitOfWork
from core.services.cases.changes import load_case, on_behalf_for
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps

R = TypeVar("R")


async def write_clinical(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    write: Callable[[Case, UnitOfWork], Awaitable[R]],
) -> R:
    """Load the case, check the actor writes its clinical record, write, commit."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.WRITE_CLINICAL)
        written = await write(case, uow)
        # The case was an ordinary read: writing its version makes a close committed meanwhile
        # a conflict, as for every other change of the case.
        await uow.cases.update(case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
    return written
