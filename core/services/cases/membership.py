"""Use cases of membership: who joins a case, and when they leave."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import (
    Actor,
    Permission,
)
from core.domain.cases.case import Case
from core.domain.cases.kinds import MemberRole
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case
from core.services.cases.lookups import person_names, picked_or_new
from core.services.directory.people import RegisterPerson
from core.services.shared.use_case import Command, Deps


class AddMember(Command, frozen=True, kw_only=True):
    """A person of the directory (`person_id`) or a new one (`new_person`) joins the case."""

    case_id: CaseId
    person_id: PersonId | None = None
    new_person: RegisterPerson | None = None
    role: MemberRole | None = None
    joined_on: date | None = None


async def add_member(deps: Deps, actor: Actor, cmd: AddMember) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        person = await picked_or_new(deps, uow, actor, cmd.person_id, cmd.new_person, "person_id")
        await person_names(uow, [person])
        joined = cmd.joined_on or deps.clock.today()
        case.add_member(deps.ids.new(), person, cmd.role, joined)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class EndMembership(Command, frozen=True, kw_only=True):
    case_id: CaseId
    membership_id: UUID
    left_on: date | None = None


async def end_membership(deps: Deps, actor: Actor, cmd: EndMembership) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        left = cmd.left_on or deps.clock.today()
        case.end_membership(cmd.membership_id, left)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)
