"""Use cases of communication preferences and of people acting for a participant."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, Permission
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import (
    CommunicationPreference,
    HelperKind,
    HelperRole,
)
from core.domain.directory.parties import Channel
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, Period, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import change_case
from core.services.cases.lookups import person_names, picked_or_new
from core.services.directory.people import RegisterPerson
from core.services.shared.use_case import Command, Deps


class SetCommunication(Command, frozen=True, kw_only=True):
    case_id: CaseId
    person_id: PersonId
    channel: Channel = Channel.EMAIL
    reminders: bool = False
    invoices: bool = False
    clinical_messages: bool = False
    portal_access: bool = False


async def set_communication(deps: Deps, actor: Actor, cmd: SetCommunication) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        person = await uow.people.get(cmd.person_id)
        if person is None:
            raise InvalidInput("Choose a person of this case.", field="person_id")
        if cmd.channel is not Channel.NONE:
            person.check_channel(cmd.channel)
        if cmd.portal_access and not person.email:
            raise InvalidInput(
                "Portal access needs an email address to sign in with.", field="portal_access"
            )
        case.set_communication(
            CommunicationPreference(
                person_id=cmd.person_id,
                channel=cmd.channel,
                reminders=cmd.reminders,
                invoices=cmd.invoices,
                clinical_messages=cmd.clinical_messages,
                portal_access=cmd.portal_access,
            )
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class GrantHelperRole(Command, frozen=True, kw_only=True):
    """A person of the directory (`helper_id`) or a new one (`new_helper`) acts for a
    participant."""

    case_id: CaseId
    helper_id: PersonId | None = None
    new_helper: RegisterPerson | None = None
    for_person_id: PersonId
    kind: HelperKind
    from_day: date | None = None


async def grant_helper_role(deps: Deps, actor: Actor, cmd: GrantHelperRole) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        helper = await picked_or_new(deps, uow, actor, cmd.helper_id, cmd.new_helper, "helper_id")
        await person_names(uow, [helper, cmd.for_person_id])
        day = cmd.from_day or deps.clock.today()
        case.grant_helper(
            HelperRole(deps.ids.new(), helper, cmd.for_person_id, cmd.kind, Period(day))
        )

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)


class RevokeHelperRole(Command, frozen=True, kw_only=True):
    case_id: CaseId
    role_id: UUID
    on: date | None = None


async def revoke_helper_role(deps: Deps, actor: Actor, cmd: RevokeHelperRole) -> Case:
    async def change(case: Case, uow: UnitOfWork) -> None:
        on = cmd.on or deps.clock.today()
        case.revoke_helper(cmd.role_id, on)

    return await change_case(deps, actor, cmd.case_id, Permission.MANAGE_CASE, change)
