"""HIPAA minimum necessary in the directory: People and every picker list only the people a
staff member may see (of their cases, or in no case yet; everyone for the owner), filtered in
the store before paging, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput
from core.services import cases, directory
from tests.contract.directory.test_directory_listing import _statements
from tests.support.practice import Practice


async def _clinic(practice: Practice):
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    kim = await practice.staff("Dr. Kim")
    ash = await practice.staff("Ash Associate", associate=True, supervisor=lee)
    lee = await practice.actor(lee.id)  # knows Ash as a supervisee now
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(kim,))
    return lee, kim, ash, pat


def _names(cards) -> list[str]:
    return [c.display_name for c in cards]


async def test_a_page_of_people_holds_only_whom_the_staff_member_may_see(practice: Practice):
    lee, kim, ash, pat = await _clinic(practice)
    # Dr. Kim's clients sort before Dr. Lee's: a filter applied after paging would leave
    # Dr. Lee an empty first page.
    kims = [await practice.person(f"Aa Kim client {n:02d}") for n in range(12)]
    for n in range(0, 12, 2):
        await practice.open(kim, CaseKind.COUPLE, kims[n], kims[n + 1])
    maya = await practice.person("Maya Rivera")
    sam = await practice.person("Sam Chen")
    await practice.open(lee, CaseKind.COUPLE, maya, sam)
    walk_in = await practice.person("Walk In")  # in no case yet: an open directory entry
    first = await directory.list_people(practice.deps, lee, limit=2)
    assert _names(first.items) == ["Maya Rivera", "Sam Chen"] and first.more is True
    everyone_lee_sees = await directory.list_people(practice.deps, lee, limit=50)
    assert _names(everyone_lee_sees.items) == ["Maya Rivera", "Sam Chen", "Walk In"]
    assert everyone_lee_sees.more is False
    kim_first = await directory.list_people(practice.deps, kim, limit=12)
    assert len(kim_first.items) == 12 and kim_first.more is True
    # Searching (every picker asks here) is narrowed the same way, before its limit.
    assert await directory.find_people(practice.deps, lee, "client") == []
    assert _names(await directory.find_people(practice.deps, kim, "client", limit=3)) == [
        "Aa Kim client 00",
        "Aa Kim client 01",
        "Aa Kim client 02",
    ]
    assert _names(await directory.find_people(practice.deps, kim, "sam")) == []
    # The administrator sees the clients of the clinician she supports.
    assert len((await directory.list_people(practice.deps, pat, limit=100)).items) == 13
    assert await directory.find_people(practice.deps, pat, "maya") == []
    # Ash, Dr. Lee's associate, sees nobody's clients but his own (and the open entry).
    assert _names((await directory.list_people(practice.deps, ash)).items) == ["Walk In"]
    # The owner keeps the whole directory.
    assert len((await directory.list_people(practice.deps, practice.owner, 100)).items) == 15
    # Cards of people already picked in a form are narrowed too (an id kept from elsewhere).
    picked = await directory.person_cards(practice.deps, lee, [kims[0], sam, walk_in])
    assert [c.id for c in picked] == [sam, walk_in]


async def test_a_supervisor_payer_helper_and_closed_case_follow_the_access_policy(
    practice: Practice,
):
    lee, kim, ash, pat = await _clinic(practice)
    teen = await practice.person("Tess Teen")
    mother = await practice.person("Mona Mother")
    family = await practice.open(ash, CaseKind.INDIVIDUAL, teen)
    await cases.add_billing_responsibility(
        practice.deps,
        ash,
        cases.AddBillingResponsibility(
            case_id=family, payer=cases.Payer(kind=PayerKind.PERSON, id=mother)
        ),
    )
    # The supervisor of the associate who treats the case sees its people, the payer included.
    assert _names(await directory.find_people(practice.deps, lee, "mona")) == ["Mona Mother"]
    assert _names(await directory.find_people(practice.deps, ash, "tess")) == ["Tess Teen"]
    assert await directory.find_people(practice.deps, kim, "mona") == []
    # A closed case keeps its people visible to its last clinicians, and to nobody new.
    old = await practice.person("Olga Old")
    closed = await practice.open(kim, CaseKind.INDIVIDUAL, old)
    practice.clock.advance(timedelta(days=3))
    await cases.close_case(practice.deps, kim, cases.CloseCase(case_id=closed))
    practice.clock.advance(timedelta(days=30))
    assert _names(await directory.find_people(practice.deps, kim, "olga")) == ["Olga Old"]
    assert _names(await directory.find_people(practice.deps, pat, "olga")) == ["Olga Old"]
    assert await directory.find_people(practice.deps, lee, "olga") == []


async def test_the_filter_sends_the_same_statements_for_few_people_as_for_many(
    practice: Practice, engine
):
    if engine is None:
        pytest.skip("statements are counted on the SQL stores")
    lee, kim, _, _ = await _clinic(practice)
    await practice.open(lee, CaseKind.INDIVIDUAL, await practice.person("Lee client"))
    _, few = await _statements(engine, lambda: directory.list_people(practice.deps, lee, 50))
    for n in range(10):
        await practice.open(kim, CaseKind.INDIVIDUAL, await practice.person(f"Kim client {n}"))
        await practice.open(lee, CaseKind.INDIVIDUAL, await practice.person(f"Lee client {n}"))
    listed, many = await _statements(engine, lambda: directory.list_people(practice.deps, lee, 50))
    assert len(listed.items) == 11 and many == few


async def test_a_new_person_like_a_hidden_client_is_refused_without_naming_them(
    practice: Practice,
):
    lee, kim, _, pat = await _clinic(practice)
    sam = await practice.person("Sam Chen", mobile="+1 555 0100 200", date_of_birth=None)
    teen = await practice.person("Tess Teen", date_of_birth=practice.clock.today().replace(2011))
    await practice.open(lee, CaseKind.COUPLE, sam, await practice.person("Maya Rivera"))
    await practice.open(lee, CaseKind.INDIVIDUAL, teen)
    same_details = (
        directory.RegisterPerson(legal_name="S. Chen", email="SAM@example.org"),
        directory.RegisterPerson(legal_name="Samuel", mobile="+1 (555) 0100-200"),
        directory.RegisterPerson(
            legal_name="tess teen", date_of_birth=practice.clock.today().replace(2011)
        ),
    )
    for details in same_details:
        for staff in (kim, pat):
            with pytest.raises(InvalidInput) as refused:
                await directory.register_person(practice.deps, staff, details)
            message = str(refused.value)
            assert message == directory.HIDDEN_TWIN
            assert "Sam" not in message and "Tess" not in message and "Lee" not in message
    # A namesake with another birth date is someone else; nothing was registered meanwhile.
    other = directory.RegisterPerson(legal_name="Tess Teen", date_of_birth=teen_birth(practice))
    await directory.register_person(practice.deps, kim, other)
    assert _names(await directory.find_people(practice.deps, kim, "tess")) == ["Tess Teen"]
    # Whoever sees the existing person is not refused (they would pick them), nor the owner.
    await directory.register_person(practice.deps, lee, same_details[0])
    await directory.register_person(practice.deps, practice.owner, same_details[1])
    # Changing one's own client's details to a hidden client's email is refused the same way.
    mine = await directory.get_person(
        practice.deps, kim, (await directory.find_people(practice.deps, kim, "tess"))[0].id
    )
    await practice.open(kim, CaseKind.INDIVIDUAL, mine.id)
    mine = await directory.get_person(practice.deps, kim, mine.id)
    with pytest.raises(InvalidInput, match="already a client of the practice"):
        await directory.update_person(
            practice.deps,
            kim,
            directory.UpdatePerson(
                person_id=mine.id,
                version=mine.version,
                legal_name=mine.legal_name,
                email="sam@example.org",
            ),
        )


def teen_birth(practice: Practice):
    return practice.clock.today().replace(2012)
