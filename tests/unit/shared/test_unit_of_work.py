"""The in-memory unit of work behaves like a database transaction."""

from __future__ import annotations

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.services import cases, directory
from tests.support.practice import Practice
from tests.support.stores import commit_without_handlers


async def test_a_use_case_that_fails_halfway_leaves_nothing_behind(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    client = await practice.person("Ann One")
    before = await directory.find_people(practice.deps, lee, "Ann")
    # The case is built and valid, then the payer turns out not to exist: nothing is stored.
    with pytest.raises(InvalidInput, match="payer"):
        await practice.open(
            lee,
            CaseKind.INDIVIDUAL,
            client,
            payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=lee.id),
        )
    async with practice.deps.uow() as uow:
        assert await uow.cases.ids_for_person(client) == []
    assert await directory.find_people(practice.deps, lee, "Ann") == before


async def test_leaving_without_commit_discards_and_readers_get_copies(practice: Practice):
    person_id = await practice.person("Ann One")
    async with practice.deps.uow() as uow:
        person = await uow.people.get(person_id)
        assert person is not None
        person.legal_name = "Changed Without Update"
        again = await uow.people.get(person_id)
        assert again is not None and again.legal_name == "Ann One"
        await uow.people.update(person)
        assert (await uow.people.get(person_id)).legal_name == "Changed Without Update"
        # no commit
    async with practice.deps.uow() as uow:
        assert (await uow.people.get(person_id)).legal_name == "Ann One"


async def test_two_clinicians_changing_one_case_at_once_one_wins(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya, sam = await practice.person("Maya Rivera"), await practice.person("Sam Chen")
    case_id = await practice.open(lee, CaseKind.COUPLE, maya)
    first, second = practice.deps.uow(), practice.deps.uow()
    async with first, second:
        a = await first.cases.get(case_id)
        b = await second.cases.get(case_id)
        a.rename("First")
        b.rename("Second")
        await first.cases.update(a)
        await second.cases.update(b)
        await commit_without_handlers(first)
        with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
            await commit_without_handlers(second)
    case = await cases.get_case(practice.deps, lee, case_id)
    assert case.name == "First" and case.version == 1
    # Using the use cases with a stale read is refused the same way.
    with pytest.raises(ConcurrencyConflict):
        async with practice.deps.uow() as uow:
            stale = await uow.cases.get(case_id)
            await cases.add_billing_responsibility(
                practice.deps,
                lee,
                cases.AddBillingResponsibility(
                    case_id=case_id, payer=cases.Payer(kind=PayerKind.PERSON, id=sam)
                ),
            )
            stale.rename("Stale")
            await uow.cases.update(stale)


async def test_staff_emails_are_unique():
    practice = await Practice(memory_uow_factory()).setup()
    await practice.staff("Dr. Lee")
    with pytest.raises(InvalidInput, match="already uses this email") as refused:
        await practice.staff("Dr. Lee")
    assert refused.value.field == "email"
