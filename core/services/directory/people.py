"""Use cases and views of people in the directory."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

import msgspec

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    listing_scope,
    person_permissions,
)
from core.domain.directory.age import minor_age
from core.domain.directory.events import PersonRegistered
from core.domain.directory.parties import (
    Channel,
    Person,
)
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.domain.shared.values import PersonId
from core.ports import DirectoryStore, UnitOfWork
from core.ports.directory import PeopleVisibility
from core.services.directory.listing import Listing, listing, require_directory
from core.services.shared.audit import audit_change
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps


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
    async with deps.uow() as uow:
        person_id = await register_in(deps, uow, actor, cmd)
        await commit(deps, uow, actor)
    return person_id


def check_details(deps: Deps, cmd: PersonDetails) -> None:
    """Refuse details a person cannot have, before anything is stored: a form with several
    new people checks each, so that a refusal goes next to the right row."""
    _check_birth(cmd, deps.clock.today())
    _person(PersonId(UUID(int=0)), cmd)


async def register_in(
    deps: Deps, uow: DirectoryStore, actor: Actor, cmd: RegisterPerson
) -> PersonId:
    """Register a person in a unit of work that does more (a case change that adds them):
    refused or rolled back, it leaves nobody new in the directory."""
    require_directory(actor)
    _check_birth(cmd, deps.clock.today())
    person = _person(PersonId(deps.ids.new()), cmd)
    if person.sms_consent:
        _consent_recorded(deps, actor, person)
    await _refuse_hidden_twin(deps, uow, actor, person)
    person.events.record(PersonRegistered(person_id=person.id))  # audited with the change
    await uow.people.add(person)
    return person.id


async def update_person(deps: Deps, actor: Actor, cmd: UpdatePerson) -> Person:
    require_directory(actor)
    _check_birth(cmd, deps.clock.today())
    async with deps.uow() as uow:
        stored = await _person_for(deps, uow, actor, cmd.person_id, Permission.MANAGE_CASE)
        person = _person(cmd.person_id, cmd, cmd.version)
        if person.sms_consent != stored.sms_consent:
            _consent_recorded(deps, actor, person)
        else:  # unchanged: its record stays
            person.sms_consent_at = stored.sms_consent_at
            person.sms_consent_source = stored.sms_consent_source
        await _refuse_hidden_twin(deps, uow, actor, person)
        await uow.people.update(person)
        await _drop_stale_messages(uow, stored, person)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CHANGE, "person", person.id)
    return person


async def _drop_stale_messages(uow: UnitOfWork, stored: Person, person: Person) -> None:
    """Texts queued for a number whose consent was withdrawn, or for an address or number
    that is no longer the person's, are dropped: the worker's sweep queues the reminders again
    for what the person has now (a number shared in a family gets its own back the same way)."""
    if (
        stored.mobile
        and stored.sms_consent
        and (not person.sms_consent or person.mobile != stored.mobile)
    ):
        await uow.outbox.drop_to(Channel.SMS, stored.mobile)
    if stored.email and person.email != stored.email:
        await uow.outbox.drop_to(Channel.EMAIL, stored.email)


def _consent_recorded(deps: Deps, actor: Actor, person: Person) -> None:
    """Given or withdrawn on a staff member's form: when, and by whom it was recorded."""
    person.sms_consent_at = deps.clock.now()
    who = actor.name if isinstance(actor, StaffActor) else "portal"
    person.sms_consent_source = f"staff: {who}"[:100]


HIDDEN_TWIN = (
    "Someone with these details is already a client of the practice — ask the practice owner "
    "to link them to your case."
)


def visibility(deps: Deps, actor: Actor) -> PeopleVisibility | None:
    """Whom `actor` may see in the directory (HIPAA minimum necessary): the people of the cases
    they may open (`listing_scope`) and those in no case yet; None for the owner (everyone)."""
    require_directory(actor)
    assert isinstance(actor, StaffActor)  # require_directory lets staff only
    scopes = listing_scope(actor)
    return None if scopes is None else PeopleVisibility(today=deps.clock.today(), scopes=scopes)


async def _refuse_hidden_twin(
    deps: Deps, uow: DirectoryStore, actor: Actor, person: Person
) -> None:
    """Refuse a person whose email, mobile, or name and birth date are those of someone the
    actor may not see, without saying who: entering them again would split one client's record
    in two, and naming them would disclose another clinician's client. The same two statements
    run whether or not there is a match (a duplicate cannot be told by timing)."""
    same = await uow.people.with_details(
        person.email, person.mobile, person.legal_name, person.date_of_birth
    )
    visible = visibility(deps, actor)
    if visible is None:
        return
    seen = await uow.people.visible_among(same, visible)
    if any(other != person.id and other not in seen for other in same):
        raise InvalidInput(HIDDEN_TWIN)


class PersonCard(msgspec.Struct, frozen=True, kw_only=True):
    """What any staff member sees of a person when looking them up: enough to pick the right
    one, not their record (that follows their cases, see `get_person`)."""

    id: PersonId
    display_name: str
    legal_name: str
    preferred_name: str
    email_hint: str  # "s•••@example.org": tells two namesakes apart without disclosing it
    minor_age: int | None = None  # shown next to the name: "15 y"

    @classmethod
    def of(cls, person: Person, today: date) -> PersonCard:
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
            minor_age=minor_age(person.date_of_birth, today),
        )


async def find_people(deps: Deps, actor: Actor, text: str, limit: int = 20) -> list[PersonCard]:
    """People whose name contains `text` or whose email is `text` (whole addresses only),
    among those the actor may see (every picker asks here): finding an existing person is what
    keeps them from being entered twice."""
    visible = visibility(deps, actor)
    if not text.strip():
        return []
    today = deps.clock.today()
    async with deps.uow() as uow:
        found = await uow.people.search(text, min(limit, 100), visible)
    return [PersonCard.of(p, today) for p in found]


async def list_people(deps: Deps, actor: Actor, limit: int = 50) -> Listing[PersonCard]:
    """The first `limit` people the actor may see by name, as cards, in one query: what the
    People screen shows before anyone types (every name contains the empty text)."""
    visible = visibility(deps, actor)
    limit = max(1, min(limit, 100))
    today = deps.clock.today()
    async with deps.uow() as uow:
        found = await uow.people.search("", limit + 1, visible)
    return listing([PersonCard.of(p, today) for p in found], limit)


async def person_cards(deps: Deps, actor: Actor, ids: Iterable[PersonId]) -> list[PersonCard]:
    """The cards of people already picked in a form, in the order asked (unknown ids, and
    people the actor may not see, left out)."""
    visible = visibility(deps, actor)
    wanted = list(dict.fromkeys(ids))
    today = deps.clock.today()
    async with deps.uow() as uow:
        found = await uow.people.get_many(wanted)
        if visible is not None:
            seen = await uow.people.visible_among(found, visible)
            found = {i: p for i, p in found.items() if i in seen}
    return [PersonCard.of(found[i], today) for i in wanted if i in found]


async def require_visible(
    deps: Deps, uow: DirectoryStore, actor: Actor, person_ids: Iterable[PersonId]
) -> None:
    """Refuse a change that names someone the actor may not see (an id kept from before, or
    typed): the owner links an existing client to another case, see `HIDDEN_TWIN`."""
    visible = visibility(deps, actor)
    wanted = set(person_ids)
    if visible is None or not wanted:
        return
    if await uow.people.visible_among(wanted, visible) != wanted:
        raise InvalidInput("Choose people from the practice directory.", field="person_id")


async def get_person(deps: Deps, actor: Actor, person_id: PersonId) -> Person:
    """A person's whole record, for staff who work with one of their cases."""
    require_directory(actor)
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
