"""PersonRepository, OrganizationRepository, StaffRepository and CredentialRepository: the same
behaviour on every adapter."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from core.domain.directory.parties import (
    Channel,
    Licensure,
    Organization,
    Person,
    StaffMember,
    StaffRole,
)
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.values import OrganizationId, PersonId, StaffId
from core.ports import UnitOfWorkFactory
from tests.support.stores import commit_without_handlers


def person(name: str, **kw: object) -> Person:
    return Person(id=PersonId(uuid.uuid4()), legal_name=name, **kw)  # type: ignore[arg-type]


def staff(name: str, *roles: StaffRole, **kw: object) -> StaffMember:
    email = kw.pop("email", name.split()[-1].lower() + "@hearth.test")
    return StaffMember(
        id=StaffId(uuid.uuid4()),
        name=name,
        email=email,  # type: ignore[arg-type]
        roles=frozenset(roles or {StaffRole.CLINICIAN}),
        **kw,  # type: ignore[arg-type]
    )


async def add(uow: UnitOfWorkFactory, *entities: object) -> None:
    async with uow() as u:
        for e in entities:
            repo = {
                Person: u.people,
                Organization: u.organizations,
                StaffMember: u.staff,
            }[type(e)]
            await repo.add(e)
        await commit_without_handlers(u)


async def test_a_person_comes_back_exactly_as_stored(uow: UnitOfWorkFactory):
    full = person(
        "Zoë Łukasiewicz-Ñúñez 李小龍",
        preferred_name="Zo",
        pronouns="she/her",
        date_of_birth=date(1990, 2, 28),
        email="Zoe@Example.ORG",
        mobile="+49 170 1234567",
        address="Straße 1\n" + "x" * 480,
        preferred_channel=Channel.SMS,
        sms_consent=True,
    )
    bare = person("Al")
    await add(uow, full, bare)
    async with uow() as u:
        assert await u.people.get(full.id) == full
        assert await u.people.get(bare.id) == bare
        assert await u.people.get(PersonId(uuid.uuid4())) is None
        many = await u.people.get_many([full.id, bare.id, PersonId(uuid.uuid4()), full.id])
        assert many == {full.id: full, bare.id: bare}
        assert await u.people.get_many([]) == {}


async def test_display_names_are_the_preferred_name_else_the_legal_one(uow: UnitOfWorkFactory):
    called = person("Zoë Łukasiewicz", preferred_name="Zo")
    plain = person("Ann One")
    await add(uow, called, plain)
    async with uow() as u:
        names = await u.people.display_names([called.id, plain.id, PersonId(uuid.uuid4())])
        assert names == {called.id: "Zo", plain.id: "Ann One"}
        assert names == {p.id: p.display_name for p in (called, plain)}
        assert await u.people.display_names([]) == {}


async def test_an_id_is_stored_once(uow: UnitOfWorkFactory):
    p = person("Ann One")
    await add(uow, p)
    with pytest.raises(InvalidInput, match="exists already"):
        await add(uow, Person(id=p.id, legal_name="Someone Else"))


async def test_update_bumps_the_version_and_refuses_a_stale_one(uow: UnitOfWorkFactory):
    p = person("Ann One")
    await add(uow, p)
    async with uow() as u:
        current = await u.people.get(p.id)
        assert current is not None and current.version == 0
        current.preferred_name = "Annie"
        await u.people.update(current)
        assert current.version == 1  # bumped in place, as stored
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.people.get(p.id)
        assert stored is not None and (stored.preferred_name, stored.version) == ("Annie", 1)
        stale = Person(id=p.id, legal_name="Ann One", version=0)
        with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
            await u.people.update(stale)
    async with uow() as u:
        with pytest.raises(ConcurrencyConflict):
            await u.people.update(person("Never Added"))


async def test_people_search_folds_case_and_accents_the_same_everywhere(uow: UnitOfWorkFactory):
    lukasz = person("ŁUKASZ Nowak", email="lukasz@example.org")
    strasse = person("Anna Straße", preferred_name="Annie")
    percent = person("Mr 100% Sure")
    under = person("Under_Score")
    others = [person(f"Member {i:02d}") for i in range(5)]
    await add(uow, lukasz, strasse, percent, under, *others)
    async with uow() as u:
        assert [p.id for p in await u.people.search("łukasz")] == [lukasz.id]
        assert [p.id for p in await u.people.search("  LUKASZ@example.ORG ")] == [lukasz.id]
        assert await u.people.search("example.org") == []  # an email matches whole only
        assert [p.id for p in await u.people.search("strasse")] == [strasse.id]  # ß folds to ss
        assert [p.id for p in await u.people.search("annie")] == [strasse.id]
        # LIKE wildcards in the text are plain characters.
        assert [p.id for p in await u.people.search("100%")] == [percent.id]
        assert [p.id for p in await u.people.search("r_s")] == [under.id]
        assert await u.people.search("%") == [percent]
        members = await u.people.search("member", limit=3)
        assert [p.legal_name for p in members] == ["Member 00", "Member 01", "Member 02"]
        everyone = await u.people.search("", limit=100)
        assert [p.legal_name for p in everyone] == sorted(
            (p.legal_name for p in [lukasz, strasse, percent, under, *others]), key=str.casefold
        )


async def test_an_organization_round_trips_and_is_found_by_name_or_email(uow: UnitOfWorkFactory):
    eap = Organization(
        id=OrganizationId(uuid.uuid4()),
        name="Ärzte-EAP GmbH",
        email="billing@eap.example",
        phone="+41 44 123 45 67",
        address="Bahnhofstrasse 1, Zürich",
        contact_person="Frau Müller",
    )
    school = Organization(id=OrganizationId(uuid.uuid4()), name="Westside School")
    await add(uow, eap, school)
    async with uow() as u:
        assert await u.organizations.get(eap.id) == eap
        assert await u.organizations.get_many([eap.id, school.id]) == {
            eap.id: eap,
            school.id: school,
        }
        assert await u.organizations.search("ärzte") == [eap]
        assert await u.organizations.search("BILLING@eap.example") == [eap]
        assert await u.organizations.search("BILLING@") == []
        # Sorted by the folded name, code point by code point, on every adapter.
        assert [o.name for o in await u.organizations.search("")] == [school.name, eap.name]
        eap.name = "EAP Zürich"
        await u.organizations.update(eap)
        assert eap.version == 1
        await commit_without_handlers(u)
    async with uow() as u:
        assert (await u.organizations.get(eap.id)) == eap
        with pytest.raises(ConcurrencyConflict):
            await u.organizations.update(Organization(id=eap.id, name="Stale"))


async def test_staff_round_trip_with_roles_supervisor_and_supported_clinicians(
    uow: UnitOfWorkFactory,
):
    lee = staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    kim = staff(
        "Kim Associate", licensure=Licensure.ASSOCIATE, supervisor_id=lee.id, email="kim@h.test"
    )
    pat = staff(
        "Pat Admin",
        StaffRole.ADMINISTRATOR,
        supports=frozenset({lee.id, kim.id}),
        email="PAT@h.test",
    )
    nobody = staff("Ana Owner", StaffRole.OWNER, StaffRole.CLINICIAN, active=False)
    await add(uow, lee, kim, pat, nobody)
    async with uow() as u:
        for s in (lee, kim, pat, nobody):
            assert await u.staff.get(s.id) == s
        assert await u.staff.get_many([lee.id, pat.id]) == {lee.id: lee, pat.id: pat}
        assert await u.staff.by_email("  Pat@H.test ") == pat
        assert await u.staff.by_email("none@h.test") is None
        assert [s.name for s in await u.staff.list_all()] == [
            "Ana Owner",
            "Dr. Lee",
            "Kim Associate",
            "Pat Admin",
        ]
        assert await u.staff.supervisees_of(lee.id) == {kim.id}
        assert await u.staff.supervisees_of(kim.id) == frozenset()
        assert await u.staff.count() == 4
        # Changing roles and supports replaces them.
        pat.roles = frozenset({StaffRole.ADMINISTRATOR, StaffRole.OWNER})
        pat.supports = frozenset({kim.id})
        await u.staff.update(pat)
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.staff.get(pat.id) == pat
        assert pat.version == 1


async def test_a_staff_email_is_unique(uow: UnitOfWorkFactory):
    lee = staff("Dr. Lee", email="lee@h.test")
    kim = staff("Dr. Kim", email="kim@h.test")
    await add(uow, lee, kim)
    with pytest.raises(InvalidInput) as taken:
        await add(uow, staff("Other Lee", email="LEE@h.test"))
    assert taken.value.field == "email"
    async with uow() as u:
        kim.email = "lee@h.test"
        with pytest.raises(InvalidInput) as again:
            await u.staff.update(kim)
        assert again.value.field == "email"
    async with uow() as u:
        assert await u.staff.count() == 2


async def test_a_change_to_something_else_meanwhile_is_no_conflict(uow: UnitOfWorkFactory):
    ann, bob = person("Ann One"), person("Bob Two")
    await add(uow, ann, bob)
    first, second = uow(), uow()
    async with first, second:
        mine = await first.people.get(ann.id)
        assert mine is not None
        other = await second.people.get(bob.id)
        assert other is not None
        other.pronouns = "he/him"
        await second.people.update(other)
        await second.staff.add(staff("Dr. New"))
        await commit_without_handlers(second)
        mine.pronouns = "she/her"  # read before the other commit, about another row
        await first.people.update(mine)
        await commit_without_handlers(first)
    async with uow() as u:
        assert (await u.people.get(ann.id)).pronouns == "she/her"
        assert (await u.people.get(bob.id)).pronouns == "he/him"
