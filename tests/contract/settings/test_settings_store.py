"""The practice's settings on every store: round trips, first saves, stale versions, unique
names, and the audit entries of each change."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest

from core.domain.directory.parties import Channel
from core.domain.directory.practice import PRACTICE_ID, Practice
from core.domain.scheduling.fees import FeeRule
from core.domain.scheduling.settings import (
    DayHours,
    Location,
    ReminderRule,
    SchedulingPolicy,
)
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.values import Money
from core.ports import UnitOfWorkFactory
from core.services import scheduling as sched
from core.services.directory.practice_settings import ChangePractice, PracticeCache, change_practice
from core.services.scheduling import settings as s
from tests.support.practice import Practice as Clinic

DETAILS = {"name": "Riverside", "address": "1 River Rd", "phone": "+15550100", "currency": "EUR"}


async def test_the_practice_round_trips_and_a_stale_version_is_refused(uow: UnitOfWorkFactory):
    async with uow() as store:
        assert await store.practice.get() is None
        practice = Practice(timezone="Europe/Berlin", **DETAILS)
        await store.practice.save(practice)
        assert practice.version == 1
        await store.commit()
    async with uow() as store:
        stored = await store.practice.get()
    assert stored == Practice(timezone="Europe/Berlin", version=1, **DETAILS)
    assert stored.id == PRACTICE_ID
    async with uow() as store:
        stored.change(timezone="America/Chicago", **{**DETAILS, "phone": None})
        await store.practice.save(stored)
        store.collect_events()
        await store.commit()
    assert stored.version == 2
    async with uow() as store:
        assert (await store.practice.get()).timezone == "America/Chicago"
        stale = Practice(timezone="UTC", version=1, **DETAILS)
        with pytest.raises(ConcurrencyConflict):
            await store.practice.save(stale)
    async with uow() as store:
        with pytest.raises(ConcurrencyConflict):  # a second "first save"
            await store.practice.save(Practice(timezone="UTC", **DETAILS))


async def test_of_two_first_saves_at_once_one_wins(uow: UnitOfWorkFactory):
    async def first_save(name: str) -> str:
        async with uow() as store:
            await store.practice.get()
            await store.practice.save(Practice(name=name, timezone="UTC"))
            await asyncio.sleep(0)
            await store.commit()
        return name

    results = await asyncio.gather(first_save("A"), first_save("B"), return_exceptions=True)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], (ConcurrencyConflict, InvalidInput))
    async with uow() as store:
        assert (await store.practice.get()).name in {"A", "B"}


async def test_the_policy_round_trips_with_closed_days_and_reminders(uow: UnitOfWorkFactory):
    policy = SchedulingPolicy(
        hours=(DayHours(time(8), time(18, 30)),) * 5 + (DayHours(time(9), time(12)), None),
        reminders=(ReminderRule(24, Channel.SMS), ReminderRule(72, Channel.EMAIL)),
        late_cancel_hours=48,
        telehealth_link="https://meet.example.com/room?x=1",
    )
    async with uow() as store:
        assert await store.policy.get() is None
        await store.policy.save(policy)
        await store.commit()
    async with uow() as store:
        stored = await store.policy.get()
    assert stored == policy and stored.version == 1
    assert [r.hours_before for r in stored.reminders] == [72, 24]  # earliest first
    async with uow() as store:
        stored.change(late_cancel_hours=12)
        await store.policy.save(stored)
        store.collect_events()
        await store.commit()
    async with uow() as store:
        assert (await store.policy.get()).late_cancel_hours == 12
        with pytest.raises(ConcurrencyConflict):
            await store.policy.save(SchedulingPolicy(version=1))


async def test_locations_have_unique_names_and_are_retired(uow: UnitOfWorkFactory):
    room = Location(id=PRACTICE_ID.__class__(int=7), name="Room 1", address="Ground floor")
    async with uow() as store:
        await store.locations.add(room)
        await store.commit()
    async with uow() as store:
        with pytest.raises(InvalidInput, match="already has this name"):
            await store.locations.add(Location(id=PRACTICE_ID.__class__(int=8), name="ROOM 1"))
    async with uow() as store:
        stored = await store.locations.get(room.id)
        stored.change(name="Room 1", address="Ground floor", active=False)
        await store.locations.update(stored)
        store.collect_events()
        await store.commit()
    async with uow() as store:
        assert await store.locations.list_all() == []
        assert [x.name for x in await store.locations.list_all(include_inactive=True)] == ["Room 1"]
        with pytest.raises(ConcurrencyConflict):
            await store.locations.update(room)  # version 0: stale


async def test_service_fees_round_trip(practice: Clinic):
    deps, owner = practice.deps, practice.owner
    service_id = await sched.create_service(
        deps,
        owner,
        sched.CreateService(
            name="Couple 50",
            service_line="psychotherapy",
            minutes=50,
            fee_minor=17000,
            billing_code="90847",
            late_cancel_fee="50%",
            no_show_fee="170",
        ),
    )
    service = await sched.get_service(deps, owner, service_id)
    assert service.late_cancel_fee == FeeRule(percent=50)
    assert service.no_show_fee == FeeRule(amount=Money(17000, "USD"))
    assert service.late_cancel_fee.of(service.fee) == Money(8500, "USD")


async def test_every_settings_change_is_in_the_audit_log(practice: Clinic):
    deps, owner = practice.deps, practice.owner
    cache = PracticeCache("UTC")
    await change_practice(
        deps, owner, cache, ChangePractice(version=0, timezone="Asia/Tokyo", **DETAILS)
    )
    assert cache.default_timezone == "UTC"
    assert await cache.timezone(deps.uow) == "Asia/Tokyo"
    location_id = await s.add_location(deps, owner, s.LocationDetails(name="Room 1"))
    await s.change_telehealth_link(
        deps, owner, s.ChangeTelehealthLink(version=0, telehealth_link="https://a.example.com/r")
    )
    service_id = await sched.create_service(
        deps,
        owner,
        sched.CreateService(name="Consult", service_line="consultation", minutes=60, fee_minor=1),
    )
    await sched.update_service(
        deps,
        owner,
        sched.UpdateService(
            service_id=service_id,
            version=0,
            active=False,
            name="Consult",
            service_line="consultation",
            minutes=60,
            fee_minor=1,
        ),
    )
    records = [e.record for e in practice.audit.entries]
    entries = [(r.action.value, r.object_type, r.object_id) for r in records]
    assert ("change", "practice", PRACTICE_ID) in entries
    assert ("create", "location", location_id) in entries
    assert ("change", "scheduling_policy", PRACTICE_ID) in entries
    assert ("create", "service", service_id) in entries
    assert ("end", "service", service_id) in entries
    assert all(r.actor_id == owner.id for r in records if r.object_type != "staff")
