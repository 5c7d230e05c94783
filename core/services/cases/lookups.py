"""Checks a case change makes of what it refers to: clinicians, payers, people."""

from __future__ import annotations

from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import OrganizationId, PersonId, StaffId
from core.ports import DirectoryStore
from core.services.directory.people import RegisterPerson, register_in, require_visible
from core.services.shared.use_case import Deps


async def require_clinician(uow: DirectoryStore, staff_id: StaffId, field: str) -> str:
    staff = await uow.staff.get(staff_id)
    if staff is None or not staff.active or not staff.is_clinician:
        raise InvalidInput("Choose an active clinician of the practice.", field=field)
    return staff.name


async def require_payer(uow: DirectoryStore, payer: PayerRef) -> str:
    """The payer's display name; the payer must exist."""
    if payer.kind is PayerKind.PERSON:
        person = await uow.people.get(PersonId(payer.id))
        if person is not None:
            return person.display_name
    else:
        organization = await uow.organizations.get(OrganizationId(payer.id))
        if organization is not None:
            return organization.name
    raise InvalidInput("Choose a person or organization of the directory as payer.", field="payer")


async def person_names(uow: DirectoryStore, ids: list[PersonId]) -> dict[PersonId, str]:
    people = await uow.people.get_many(ids)
    missing = set(ids) - set(people)
    if missing:
        raise InvalidInput("Choose people from the practice directory.", field="person_id")
    return {pid: p.display_name for pid, p in people.items()}


async def picked_or_new(
    deps: Deps,
    uow: DirectoryStore,
    actor: Actor,
    picked: PersonId | None,
    new: RegisterPerson | None,
    field: str,
) -> PersonId:
    """A person picked from the directory, or a new one registered in this unit of work, so
    that a refused change leaves no one new behind. Exactly one of the two."""
    if new is not None:
        return await register_in(deps, uow, actor, new)
    if picked is None:
        raise InvalidInput("Find the person in the directory or enter a new name.", field=field)
    await require_visible(deps, uow, actor, [picked])
    return picked
