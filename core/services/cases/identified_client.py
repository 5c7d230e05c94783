"""A couple or family names its identified client: the member 90847 / 90846 are about."""

from __future__ import annotations

from core.domain.cases.access import Actor, Permission
from core.domain.cases.case import Case
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import Edit, change_case
from core.services.shared.use_case import Command, Deps


class NameIdentifiedClient(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId | None  # None: nobody named (Hearth then asks at coding)
    version: int | None = None  # what the form read (core.services.cases.changes.Edit)
    was: str | None = None


async def name_identified_client(deps: Deps, actor: Actor, cmd: NameIdentifiedClient) -> Case:
    async def change(case: Case, _: UnitOfWork) -> None:
        case.name_identified_client(cmd.person_id, deps.clock.today())

    edit = Edit(cmd.version, cmd.was, lambda case: case.identified_client_id)
    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change, edit)
