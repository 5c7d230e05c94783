"""Use cases for the practice's directory: people, organizations and staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Generic, TypeVar

import msgspec

from core.domain.access import (
    Actor,
    Permission,
    StaffActor,
    may_change_organization,
    may_manage_staff,
    may_use_directory,
    person_permissions,
)
from core.domain.credentials import check_password_strength
from core.domain.errors import Forbidden, InvalidInput, NotFound
from core.domain.parties import (
    Channel,
    Licensure,
    Organization,
    Person,
    StaffMember,
    StaffRole,
)
from core.domain.values import OrganizationId, PersonId, StaffId
from core.ports import PasswordHasher, UnitOfWork
from core.services.auth import SignedIn
from core.services.context import Command, Deps

T = TypeVar("T")


def _require_directory(actor: Actor) -> None:
    if not may_use_directory(actor):
        raise Forbidden("Only staff members use the practice directory.")


# ----- people -------------------------------------------------------------------------------------


class PersonDetails(Command, frozen=True, kw_only=True):
    legal_name: str
    preferred_name: str = ""
    pronouns: str = ""
    date_of_birth: date | None = None
    email: str | None = None
    mobile: str | None = None
    address: str = ""
    preferred_channel: Channel = Channel.NONE
    sms_consent: bool = False


class RegisterPerson(PersonDetails, frozen=True, kw_only=True):
    pass


class UpdatePerson(PersonDetails, frozen=True, kw_only=True):
    person_id: PersonId
    version: int


def _person(person_id: PersonId, details: PersonDetails, version: int = 0) -> Person:
    return Person(
        id=person_id,
        legal_name=details.legal_name,
        preferred_name=details.preferred_name,
        pronouns=details.pronouns,
        date_of_birth=details.date_of_birth,
        email=details.email,
        mobile=details.mobile,
        address=details.address,
        preferred_channel=details.preferred_channel,
        sms_consent=details.sms_consent,
        version=version,
    )


def _check_birth(details: PersonDetails, today: date) -> None:
    if details.date_of_birth is not None and details.date_of_birth > today:
        raise InvalidInput("The date of birth is in the future.", field="date_of_birth")


async def register_person(deps: Deps, actor: Actor, cmd: RegisterPerson) -> PersonId:
    _require_directory(actor)
    _check_birth(cmd, deps.clock.today())
    person = _person(PersonId(deps.ids.new()), cmd)
    async with deps.uow() as uow:
        await uow.people.add(person)
        await uow.commit()
    return person.id


async def update_person(deps: Deps, actor: Actor, cmd: UpdatePerson) -> Person:
    _require_directory(actor)
    _check_birth(cmd, deps.clock.today())
    async with deps.uow() as uow:
        await _person_for(deps, uow, actor, cmd.person_id, Permission.MANAGE_CASE)
        person = _person(cmd.person_id, cmd, cmd.version)
        await uow.people.update(person)
        await uow.commit()
    return person


class PersonCard(msgspec.Struct, frozen=True, kw_only=True):
    """What any staff member sees of a person when looking them up: enough to pick the right
    one, not their record (that follows their cases, see `get_person`)."""

    id: PersonId
    display_name: str
    legal_name: str
    preferred_name: str
    email_hint: str  # "s•••@example.org": tells two namesakes apart without disclosing it

    @classmethod
    def of(cls, person: Person) -> PersonCard:
        hint = ""
        if person.email:
            local, _, domain = person.email.partition("@")
            hint = f"{local[:1]}•••@{domain}"
        return cls(
            id=person.id,
            display_name=person.display_name,
            legal_name=person.legal_name,
            preferred_name=person.preferred_name,
            email_hint=hint,
        )


async def find_people(deps: Deps, actor: Actor, text: str, limit: int = 20) -> list[PersonCard]:
    """People whose name or email contains `text`: finding an existing person is what keeps
    them from being entered twice, so every staff member may look people up."""
    _require_directory(actor)
    if not text.strip():
        return []
    async with deps.uow() as uow:
        return [PersonCard.of(p) for p in await uow.people.search(text, min(limit, 100))]


class Listing(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """The directory's first entries by name, and whether more follow (a search narrows)."""

    items: list[T]
    more: bool


def _listing(found: list[T], limit: int) -> Listing[T]:
    return Listing(items=found[:limit], more=len(found) > limit)


async def list_people(deps: Deps, actor: Actor, limit: int = 50) -> Listing[PersonCard]:
    """The first `limit` people by name, as cards, in one query: what the People screen shows
    before anyone types (every name contains the empty text)."""
    _require_directory(actor)
    limit = max(1, min(limit, 100))
    async with deps.uow() as uow:
        found = await uow.people.search("", limit + 1)
    return _listing([PersonCard.of(p) for p in found], limit)


async def person_cards(deps: Deps, actor: Actor, ids: Iterable[PersonId]) -> list[PersonCard]:
    """The cards of people already picked in a form, in the order asked (unknown ids left out)."""
    _require_directory(actor)
    wanted = list(dict.fromkeys(ids))
    async with deps.uow() as uow:
        found = await uow.people.get_many(wanted)
    return [PersonCard.of(found[i]) for i in wanted if i in found]


async def get_person(deps: Deps, actor: Actor, person_id: PersonId) -> Person:
    """A person's whole record, for staff who work with one of their cases."""
    _require_directory(actor)
    async with deps.uow() as uow:
        return await _person_for(deps, uow, actor, person_id, Permission.VIEW_CASE)


async def _person_for(
    deps: Deps, uow: UnitOfWork, actor: Actor, person_id: PersonId, permission: Permission
) -> Person:
    person = await uow.people.get(person_id)
    if person is None:
        raise NotFound("No such person.")
    cases = await uow.cases.get_many(await uow.cases.ids_for_person(person_id))
    granted = person_permissions(actor, cases, deps.clock.today())
    if permission not in granted:
        if Permission.VIEW_CASE not in granted:
            raise NotFound("No such person.")
        raise Forbidden("Only staff who manage one of this person's cases change their details.")
    return person


# ----- organizations ------------------------------------------------------------------------------


class OrganizationDetails(Command, frozen=True, kw_only=True):
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    contact_person: str = ""


class RegisterOrganization(OrganizationDetails, frozen=True, kw_only=True):
    pass


class UpdateOrganization(OrganizationDetails, frozen=True, kw_only=True):
    organization_id: OrganizationId
    version: int


def _organization(
    organization_id: OrganizationId, details: OrganizationDetails, version: int = 0
) -> Organization:
    return Organization(
        id=organization_id,
        name=details.name,
        email=details.email,
        phone=details.phone,
        address=details.address,
        contact_person=details.contact_person,
        version=version,
    )


async def register_organization(
    deps: Deps, actor: Actor, cmd: RegisterOrganization
) -> OrganizationId:
    _require_directory(actor)
    organization = _organization(OrganizationId(deps.ids.new()), cmd)
    async with deps.uow() as uow:
        await uow.organizations.add(organization)
        await uow.commit()
    return organization.id


async def update_organization(deps: Deps, actor: Actor, cmd: UpdateOrganization) -> Organization:
    _require_directory(actor)
    async with deps.uow() as uow:
        if await uow.organizations.get(cmd.organization_id) is None:
            raise NotFound("No such organization.")
        paid = await uow.cases.get_many(await uow.cases.ids_for_organization(cmd.organization_id))
        if not may_change_organization(actor, paid, deps.clock.today()):
            raise Forbidden(
                "Only the owner and staff who handle billing for one of its cases change an "
                "organization's details."
            )
        organization = _organization(cmd.organization_id, cmd, cmd.version)
        await uow.organizations.update(organization)
        await uow.commit()
    return organization


async def get_organization(
    deps: Deps, actor: Actor, organization_id: OrganizationId
) -> Organization:
    _require_directory(actor)
    async with deps.uow() as uow:
        organization = await uow.organizations.get(organization_id)
    if organization is None:
        raise NotFound("No such organization.")
    return organization


async def find_organizations(
    deps: Deps, actor: Actor, text: str, limit: int = 20
) -> list[Organization]:
    _require_directory(actor)
    if not text.strip():
        return []
    async with deps.uow() as uow:
        return await uow.organizations.search(text, min(limit, 100))


async def list_organizations(deps: Deps, actor: Actor, limit: int = 50) -> Listing[Organization]:
    """The first `limit` organizations by name, in one query (see `list_people`)."""
    _require_directory(actor)
    limit = max(1, min(limit, 100))
    async with deps.uow() as uow:
        found = await uow.organizations.search("", limit + 1)
    return _listing(found, limit)


# ----- staff --------------------------------------------------------------------------------------


class StaffDetails(Command, frozen=True, kw_only=True):
    name: str
    email: str
    roles: frozenset[StaffRole]
    licensure: Licensure = Licensure.LICENSED
    supervisor_id: StaffId | None = None
    supports: frozenset[StaffId] = frozenset()


class AddStaff(StaffDetails, frozen=True, kw_only=True):
    pass


class UpdateStaff(StaffDetails, frozen=True, kw_only=True):
    staff_id: StaffId
    version: int
    active: bool = True


async def _check_staff_links(uow: UnitOfWork, staff: StaffMember) -> None:
    """The named supervisor supervises, and the supported staff are clinicians."""
    linked = await uow.staff.get_many([*staff.supports, *filter(None, [staff.supervisor_id])])
    if staff.supervisor_id is not None:
        supervisor = linked.get(staff.supervisor_id)
        if supervisor is None or not supervisor.has(StaffRole.SUPERVISOR):
            raise InvalidInput(
                "The default supervisor must be a supervisor.", field="supervisor_id"
            )
    if staff.is_associate and staff.supervisor_id is None:
        raise InvalidInput("An associate needs a default supervisor.", field="supervisor_id")
    for clinician_id in staff.supports:
        clinician = linked.get(clinician_id)
        if clinician is None or not clinician.is_clinician:
            raise InvalidInput("Administrators support clinicians only.", field="supports")


def _staff(staff_id: StaffId, d: StaffDetails, version: int = 0, active: bool = True):
    return StaffMember(
        id=staff_id,
        name=d.name,
        email=d.email,
        roles=d.roles,
        licensure=d.licensure,
        supervisor_id=d.supervisor_id,
        supports=d.supports,
        active=active,
        version=version,
    )


async def add_staff(deps: Deps, actor: Actor, cmd: AddStaff) -> StaffId:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner adds staff.")
    staff = _staff(StaffId(deps.ids.new()), cmd)
    async with deps.uow() as uow:
        await _check_staff_links(uow, staff)
        await uow.staff.add(staff)
        await uow.commit()
    return staff.id


async def create_first_owner(
    deps: Deps, hasher: PasswordHasher, name: str, email: str, password: str
) -> SignedIn:
    """The practice's first staff member, made by the setup step: an owner who is a clinician,
    with their password, in one unit of work (an owner without a password would lock the
    practice out for good). Refused once any staff member exists, so it cannot be used to take
    over a practice; two setups at once make one owner (`StaffRepository.add_first`)."""
    check_password_strength(password)
    password_hash = await hasher.hash(password)  # before the transaction: it takes a while
    staff = StaffMember(
        id=StaffId(deps.ids.new()),
        name=name,
        email=email,
        roles=frozenset({StaffRole.OWNER, StaffRole.CLINICIAN, StaffRole.SUPERVISOR}),
    )
    async with deps.uow() as uow:
        if not await uow.staff.add_first(staff):
            raise Forbidden("This practice already has staff; the owner adds the others.")
        generation = await uow.credentials.set_password(staff.id, password_hash)
        await uow.commit()
    return SignedIn(staff_id=staff.id, generation=generation)


async def _check_owners_remain(
    uow: UnitOfWork, actor: Actor, current: StaffMember, staff: StaffMember
) -> None:
    """Nobody deactivates themselves, and the practice keeps an active owner: otherwise nobody
    could manage staff or reset a password any more."""
    if isinstance(actor, StaffActor) and staff.id == actor.id:
        if not staff.active:
            raise InvalidInput("You cannot deactivate yourself.", field="active")
        if StaffRole.OWNER not in staff.roles:
            raise InvalidInput("You cannot remove your own owner role.", field="roles")
    was_owner = current.active and current.has(StaffRole.OWNER)
    if was_owner and not (staff.active and staff.has(StaffRole.OWNER)):
        others = [
            s
            for s in await uow.staff.list_all()
            if s.id != staff.id and s.active and s.has(StaffRole.OWNER)
        ]
        if not others:
            field = "roles" if staff.active else "active"
            raise InvalidInput(
                "The practice needs an active owner: make someone else owner first.",
                field=field,
            )


async def update_staff(deps: Deps, actor: Actor, cmd: UpdateStaff) -> StaffMember:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes staff.")
    async with deps.uow() as uow:
        current = await uow.staff.get(cmd.staff_id)
        if current is None:
            raise NotFound("No such staff member.")
        staff = _staff(cmd.staff_id, cmd, cmd.version, cmd.active)
        await _check_owners_remain(uow, actor, current, staff)
        await _check_staff_links(uow, staff)
        await uow.staff.update(staff)
        await uow.commit()
    return staff


async def list_staff(deps: Deps, actor: Actor) -> list[StaffMember]:
    _require_directory(actor)
    async with deps.uow() as uow:
        return await uow.staff.list_all()


async def load_actor(
    deps: Deps, staff_id: StaffId, *, owner_sees_clinical: bool = False
) -> StaffActor:
    """The actor for a signed-in staff member, or NotFound if they no longer work here."""
    async with deps.uow() as uow:
        staff = await uow.staff.get(staff_id)
        if staff is None or not staff.active:
            raise NotFound("No such staff member.")
        supervisees = await uow.staff.supervisees_of(staff_id)
    return StaffActor.of(staff, supervisees, owner_sees_clinical)
