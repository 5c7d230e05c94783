"""CaseRepository and HistoryRepository: whole aggregates in and out, lookups, pages, versions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from core.domain.cases.access import StaffScope
from core.domain.cases.case import Case, CaseStatus
from core.domain.cases.history import HistoryRecord
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.listing import CaseListing
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerRef,
    StaffDuty,
)
from core.domain.directory.parties import Channel, Organization, Person, StaffMember, StaffRole
from core.domain.shared.errors import CaseFull, ConcurrencyConflict, InvalidInput
from core.domain.shared.values import CaseId, OrganizationId, Period, PersonId, StaffId
from core.ports import CaseListQuery, UnitOfWorkFactory
from core.ports.cases import COUNT_CAP
from tests.support.stores import commit_without_handlers

D = date(2026, 1, 5)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class World:
    """Staff, people and an organization stored up front (the SQL adapters check references)."""

    def __init__(self) -> None:
        self.lee = StaffMember(StaffId(new_id()), "Dr. Lee", "lee@h.test", {StaffRole.CLINICIAN})
        self.kim = StaffMember(StaffId(new_id()), "Dr. Kim", "kim@h.test", {StaffRole.CLINICIAN})
        self.people = {
            name: Person(PersonId(new_id()), name, email=f"{i}@example.org")
            for i, name in enumerate(
                ["Maya Rivera", "Sam Chen", "Jo Kowalski", "Zoë Ñúñez", "Parent Payer", "Ana Ward"]
            )
        }
        self.eap = Organization(OrganizationId(new_id()), "Helping EAP")

    def __getitem__(self, name: str) -> PersonId:
        return self.people[name].id

    async def store(self, uow: UnitOfWorkFactory) -> World:
        async with uow() as u:
            for s in (self.lee, self.kim):
                await u.staff.add(s)
            for p in self.people.values():
                await u.people.add(p)
            await u.organizations.add(self.eap)
            await commit_without_handlers(u)
        return self


@pytest.fixture
async def world(uow: UnitOfWorkFactory) -> World:
    return await World().store(uow)


def couple(w: World, name: str = "Rivera & Chen", opened: date = D) -> Case:
    return Case.open(
        id=CaseId(new_id()),
        kind=CaseKind.COUPLE,
        name=name,
        opened_on=opened,
        responsible_provider=w.lee.id,
        new_id=new_id,
        participants=[(w["Maya Rivera"], None), (w["Sam Chen"], None)],
    )


def everything(w: World) -> Case:
    """A family case with one of everything the aggregate holds, periods ending on boundaries."""
    case = Case.open(
        id=CaseId(new_id()),
        kind=CaseKind.FAMILY,
        name="Kowalski\u2013Ñúñez family 🏡 " + "x" * 150,
        opened_on=D,
        responsible_provider=w.lee.id,
        new_id=new_id,
        participants=[(w["Jo Kowalski"], MemberRole.PARENT), (w["Zoë Ñúñez"], MemberRole.CHILD)],
        status=CaseStatus.ACTIVE,
    )
    case.add_member(new_id(), w["Ana Ward"], MemberRole.CAREGIVER, D, D)  # one day only
    case.add_member(new_id(), w["Ana Ward"], MemberRole.CAREGIVER, D + timedelta(days=1))
    case.add_staff_duty(new_id(), w.kim.id, StaffDuty.CO_THERAPIST, D + timedelta(days=3))
    case.add_billing(
        BillingResponsibility(
            new_id(), PayerRef.person(w["Parent Payer"]), None, Period(D), share_percent=60
        )
    )
    case.add_billing(
        BillingResponsibility(
            new_id(), PayerRef.organization(w.eap.id), w["Zoë Ñúñez"], Period(D, D), None
        )
    )
    case.grant_helper(
        HelperRole(
            new_id(), w["Parent Payer"], w["Zoë Ñúñez"], HelperKind.SCHEDULING_HELPER, Period(D)
        )
    )
    case.set_communication(
        CommunicationPreference(w["Parent Payer"], Channel.EMAIL, reminders=True, invoices=True)
    )
    case.set_communication(
        CommunicationPreference(w["Jo Kowalski"], Channel.SMS, clinical_messages=True)
    )
    return case


async def add_cases(uow: UnitOfWorkFactory, *cases: Case) -> None:
    async with uow() as u:
        for c in cases:
            await u.cases.add(c)
        await commit_without_handlers(u)


async def test_every_part_of_a_case_round_trips(uow: UnitOfWorkFactory, world: World):
    full = everything(world)
    empty = Case(CaseId(new_id()), CaseKind.GROUP, "Empty group", D, capacity=8)
    closed = couple(world, "Closed couple")
    closed.close(D + timedelta(days=30))
    await add_cases(uow, full, empty, closed)
    async with uow() as u:
        assert await u.cases.get(full.id) == full
        assert await u.cases.get(empty.id) == empty
        assert await u.cases.get(closed.id) == closed
        assert await u.cases.get(CaseId(new_id())) is None
        many = await u.cases.get_many([full.id, empty.id, CaseId(new_id()), full.id])
        assert sorted(many, key=lambda c: c.name) == sorted([full, empty], key=lambda c: c.name)
        assert await u.cases.get_many([]) == []


async def test_a_case_id_is_stored_once(uow: UnitOfWorkFactory, world: World):
    case = couple(world)
    await add_cases(uow, case)
    with pytest.raises(InvalidInput, match="exists already"):
        await add_cases(uow, Case(case.id, CaseKind.GROUP, "Same id", D))


async def test_changes_to_every_list_are_stored_and_the_version_moves(
    uow: UnitOfWorkFactory, world: World
):
    case = everything(world)
    await add_cases(uow, case)
    async with uow() as u:
        loaded = await u.cases.get(case.id)
        assert loaded is not None
        later = D + timedelta(days=10)
        caregiver = loaded.members_on(later)[-1]
        loaded.end_membership(caregiver.id, later)
        loaded.add_member(new_id(), world["Maya Rivera"], MemberRole.FAMILY_MEMBER, later)
        co = next(a for a in loaded.staff if a.duty is StaffDuty.CO_THERAPIST)
        loaded.end_staff_duty(co.id, later)
        loaded.assign_responsible_provider(new_id(), world.kim.id, later + timedelta(days=1))
        loaded.end_billing(loaded.billing[0].id, later)
        loaded.revoke_helper(loaded.helpers[0].id, later)
        loaded.set_communication(CommunicationPreference(world["Parent Payer"], Channel.NONE))
        loaded.rename("Renamed family")
        await u.cases.update(loaded)
        assert loaded.version == 1
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.cases.get(case.id) == loaded


async def test_a_case_read_elsewhere_can_still_be_written(uow: UnitOfWorkFactory, world: World):
    case = couple(world)
    await add_cases(uow, case)
    case.add_staff_duty(new_id(), world.kim.id, StaffDuty.ADMIN_SUPPORT, D)
    case.memberships.reverse()  # order is part of the aggregate
    async with uow() as u:
        await u.cases.update(case)
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.cases.get(case.id) == case


async def test_a_stale_case_is_refused_and_nothing_of_it_is_written(
    uow: UnitOfWorkFactory, world: World
):
    case = couple(world)
    await add_cases(uow, case)
    first, second = uow(), uow()
    async with first, second:
        a = await first.cases.get(case.id)
        b = await second.cases.get(case.id)
        assert a is not None and b is not None
        a.rename("First")
        await first.cases.update(a)
        await commit_without_handlers(first)
        b.rename("Second")
        b.add_staff_duty(new_id(), world.kim.id, StaffDuty.CO_THERAPIST, D)
        with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
            await second.cases.update(b)
            await commit_without_handlers(second)
    async with uow() as u:
        stored = await u.cases.get(case.id)
    assert stored == a and stored.version == 1 and len(stored.staff) == 1


async def test_a_third_partner_is_refused_even_when_two_try_at_once(
    uow: UnitOfWorkFactory, world: World
):
    case = Case.open(
        id=CaseId(new_id()),
        kind=CaseKind.COUPLE,
        name="Rivera",
        opened_on=D,
        responsible_provider=world.lee.id,
        new_id=new_id,
        participants=[(world["Maya Rivera"], None)],
    )
    await add_cases(uow, case)
    first, second = uow(), uow()
    async with first, second:
        a, b = await first.cases.get(case.id), await second.cases.get(case.id)
        a.add_member(new_id(), world["Sam Chen"], None, D)
        b.add_member(new_id(), world["Jo Kowalski"], None, D)  # each alone would fit
        await first.cases.update(a)
        await commit_without_handlers(first)
        with pytest.raises(ConcurrencyConflict):
            await second.cases.update(b)
            await commit_without_handlers(second)
    async with uow() as u:
        stored = await u.cases.get(case.id)
        assert stored is not None
        assert {m.person_id for m in stored.members_on(D)} == {
            world["Maya Rivera"],
            world["Sam Chen"],
        }
        with pytest.raises(CaseFull):
            stored.add_member(new_id(), world["Jo Kowalski"], None, D)


async def test_cases_are_found_by_person_organization_and_staff(
    uow: UnitOfWorkFactory, world: World
):
    full = everything(world)
    pair = couple(world)
    other = couple(world, "Other couple", D + timedelta(days=5))
    other.assign_responsible_provider(new_id(), world.kim.id, D + timedelta(days=20))
    await add_cases(uow, full, pair, other)
    async with uow() as u:
        assert await u.cases.ids_for_person(world["Maya Rivera"]) == sorted([pair.id, other.id])
        assert await u.cases.ids_for_person(world["Parent Payer"]) == [full.id]  # pays, helps
        assert await u.cases.ids_for_person(world["Ana Ward"]) == [full.id]
        assert await u.cases.ids_for_person(PersonId(new_id())) == []
        assert await u.cases.ids_for_organization(world.eap.id) == [full.id]
        assert await u.cases.ids_for_staff([world.kim.id]) == sorted([full.id, other.id])
        both = await u.cases.ids_for_staff([world.lee.id, world.kim.id])
        assert both == sorted([full.id, pair.id, other.id])
        # Periods are inclusive: Lee's last day on "other" is the day before Kim takes over.
        handover = D + timedelta(days=20)
        assert await u.cases.ids_for_staff([world.lee.id], on=handover - timedelta(days=1)) == (
            sorted([full.id, pair.id, other.id])
        )
        assert await u.cases.ids_for_staff([world.lee.id], on=handover) == sorted(
            [full.id, pair.id]
        )
        assert await u.cases.ids_for_staff([world.kim.id], on=D + timedelta(days=2)) == []
        assert await u.cases.ids_for_staff([world.kim.id], on=D + timedelta(days=3)) == [full.id]
        assert await u.cases.ids_for_staff([]) == []


async def test_cases_of_many_people_are_found_at_once(uow: UnitOfWorkFactory, world: World):
    full = everything(world)
    pair = couple(world)
    other = couple(world, "Other couple", D + timedelta(days=5))
    await add_cases(uow, full, pair, other)
    asked = [world["Maya Rivera"], world["Parent Payer"], world["Ana Ward"], PersonId(new_id())]
    async with uow() as u:
        assert await u.cases.ids_for_people(asked) == {
            world["Maya Rivera"]: sorted([pair.id, other.id]),
            world["Parent Payer"]: [full.id],  # pays and helps: once
            world["Ana Ward"]: [full.id],
            asked[-1]: [],
        }
        assert await u.cases.ids_for_people([]) == {}


async def test_a_page_of_cases_by_name_with_filters_and_the_total(
    uow: UnitOfWorkFactory, world: World
):
    named = [couple(world, f"Couple {i:02d}") for i in range(7)]
    ward = couple(world, "ärger & Co")
    family = everything(world)
    group = Case(CaseId(new_id()), CaseKind.GROUP, "DBT skills 100%", D, status=CaseStatus.ACTIVE)
    await add_cases(uow, *named, ward, family, group)
    async with uow() as u:
        page, total = await u.cases.list_page(CaseListQuery(today=D, limit=3, offset=0))
        assert total == 10
        assert [c.name for c in page] == ["Couple 00", "Couple 01", "Couple 02"]
        page, _ = await u.cases.list_page(CaseListQuery(today=D, limit=3, offset=8))
        assert [c.name for c in page] == [family.name, ward.name]  # "k" < "ä" by code point
        # a page holds each case as lists show it: its row, its staff and its members in order
        assert page[0] == CaseListing.of(family)
        assert len(page[0].memberships) > 1 and page[0].staff
        page, total = await u.cases.list_page(CaseListQuery(today=D, limit=3, offset=30))
        assert (page, total) == ([], 10)

        async def names(**kw: object) -> tuple[list[str], int]:
            found, count = await u.cases.list_page(CaseListQuery(**{"today": D} | kw))  # type: ignore[arg-type]
            return [c.name for c in found], count

        assert await names(kind=CaseKind.GROUP) == (["DBT skills 100%"], 1)
        assert await names(status=CaseStatus.ACTIVE) == (sorted([group.name, family.name]), 2)
        # Scopes: who holds which duty on the case's reference day.
        kim_treats = StaffScope(frozenset({world.kim.id}), frozenset({StaffDuty.CO_THERAPIST}))
        later = D + timedelta(days=3)
        assert await names(today=later, held_by=kim_treats) == ([family.name], 1)
        assert await names(today=later - timedelta(days=1), held_by=kim_treats) == ([], 0)
        assert await names(today=later, visible_to=(kim_treats,)) == ([family.name], 1)
        kim_supervises = StaffScope(frozenset({world.kim.id}), frozenset({StaffDuty.SUPERVISOR}))
        assert await names(today=later, visible_to=(kim_supervises,)) == ([], 0)
        assert await names(today=later, visible_to=(kim_supervises, kim_treats)) == (
            [family.name],
            1,
        )
        assert await names(visible_to=()) == ([], 0)
        assert await names(text="ÄRGER") == (["ärger & Co"], 1)
        assert await names(text="100%") == (["DBT skills 100%"], 1)
        assert await names(text="%") == (["DBT skills 100%"], 1)
        assert await names(text="_") == ([], 0)  # taken literally, not "any character"
        assert await names(text="/") == ([], 0)
        # A member's legal or preferred name finds the case; an email does not.
        assert await names(text="zoë ñ") == ([family.name], 1)
        assert (await names(text="chen", limit=2))[1] == 8
        assert await names(text="example.org") == ([], 0)


async def test_a_page_of_open_cases_leaves_the_closed_out(uow: UnitOfWorkFactory, world: World):
    running, ended = couple(world, "Running"), couple(world, "Ended")
    ended.close(D + timedelta(days=1))
    await add_cases(uow, running, ended)
    async with uow() as u:
        everything_, total = await u.cases.list_page(CaseListQuery(today=D))
        open_, open_total = await u.cases.list_page(CaseListQuery(today=D, open_only=True))
    assert ([c.name for c in everything_], total) == (["Ended", "Running"], 2)
    assert ([c.name for c in open_], open_total) == (["Running"], 1)


async def test_the_total_is_counted_up_to_the_cap_and_past_the_page(
    uow: UnitOfWorkFactory, world: World
):
    """A total stops one past COUNT_CAP (the list says "200+"), or one past the page asked
    for when that lies further; the pages themselves are whole and in order."""
    await add_cases(uow, *(couple(world, f"Couple {i:03d}") for i in range(COUNT_CAP + 5)))
    async with uow() as u:
        first, total = await u.cases.list_page(CaseListQuery(today=D, limit=50))
        assert total == COUNT_CAP + 1
        assert [c.name for c in first] == [f"Couple {i:03d}" for i in range(50)]
        last, total = await u.cases.list_page(CaseListQuery(today=D, limit=50, offset=200))
        assert total == COUNT_CAP + 5  # all of them: this page lies past the cap
        assert [c.name for c in last] == [f"Couple {i:03d}" for i in range(200, 205)]
        narrow, total = await u.cases.list_page(CaseListQuery(today=D, text="couple 19"))
        assert total == 10 and len(narrow) == 10


async def test_a_member_is_found_by_their_legal_or_their_preferred_name(
    uow: UnitOfWorkFactory, world: World
):
    async with uow() as u:
        ren = Person(PersonId(new_id()), "Renata Okafor", preferred_name="Ren")
        await u.people.add(ren)
        await commit_without_handlers(u)
    case = Case.open(
        id=CaseId(new_id()),
        kind=CaseKind.INDIVIDUAL,
        name="Individual work",
        opened_on=D,
        responsible_provider=world.lee.id,
        new_id=new_id,
        participants=[(ren.id, None)],
    )
    await add_cases(uow, case, couple(world, "Another case"))
    async with uow() as u:
        for text in ("OKAF", "ren", "renata"):
            found, total = await u.cases.list_page(CaseListQuery(today=D, text=text))
            assert ([c.name for c in found], total) == (["Individual work"], 1), text
        # each name on its own, as the search indexes hold them: no match across the two
        assert (await u.cases.list_page(CaseListQuery(today=D, text="okafor ren")))[1] == 0


async def test_history_is_newest_first_with_aware_instants(uow: UnitOfWorkFactory, world: World):
    case = couple(world)
    other = couple(world, "Other")
    await add_cases(uow, case, other)
    noon = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def event(at: datetime, action: str, case_id: CaseId = case.id) -> HistoryRecord:
        return HistoryRecord(
            new_id(), case_id, at, world.lee.id, action, "summary ✓", clinical=action == "dx"
        )

    events = [
        event(noon, "opened"),
        event(noon + timedelta(hours=1), "renamed"),
        event(noon + timedelta(hours=1), "dx"),  # same instant, recorded later
        event(noon, "elsewhere", other.id),
    ]
    async with uow() as u:
        for e in events:
            await u.history.append(e)
        await commit_without_handlers(u)
    async with uow() as u:
        found = await u.history.for_case(case.id)
        assert [e.action for e in found] == ["dx", "renamed", "opened"]
        assert found[-1] == events[0]
        assert all(e.at.tzinfo is not None for e in found)
        assert [e.action for e in await u.history.for_case(case.id, limit=1)] == ["dx"]
        assert await u.history.for_case(CaseId(new_id())) == []


async def test_leaving_without_commit_discards_everything(uow: UnitOfWorkFactory, world: World):
    case = couple(world)
    async with uow() as u:
        await u.cases.add(case)
        await u.people.add(Person(PersonId(new_id()), "Never Committed"))
    with pytest.raises(RuntimeError):
        async with uow() as u:
            await u.cases.add(couple(world, "Failing"))
            raise RuntimeError("boom")
    async with uow() as u:
        assert await u.cases.get(case.id) is None
        assert await u.people.search("never") == []
        assert (await u.cases.list_page(CaseListQuery(today=D)))[1] == 0


async def test_readers_get_copies(uow: UnitOfWorkFactory, world: World):
    case = couple(world)
    await add_cases(uow, case)
    async with uow() as u:
        loaded = await u.cases.get(case.id)
        loaded.rename("Changed in memory only")
        loaded.memberships.clear()
        assert await u.cases.get(case.id) == case
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.cases.get(case.id) == case


async def test_work_after_a_commit_is_its_own_transaction(uow: UnitOfWorkFactory, world: World):
    first, second = couple(world, "First"), couple(world, "Second")
    async with uow() as u:
        await u.cases.add(first)
        await commit_without_handlers(u)
        await u.cases.add(second)  # not committed
    async with uow() as u:
        assert await u.cases.get(first.id) == first
        assert await u.cases.get(second.id) is None
