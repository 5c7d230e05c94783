"""The diagnoses store, the same on memory, SQLite and PostgreSQL: diagnoses live beside the
case they document (no longer inside the case aggregate), in the order they were recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.domain.shared.values import Period
from core.ports import UnitOfWorkFactory
from tests.contract.cases.test_cases import D, World, add_cases, everything, new_id
from tests.contract.cases.test_cases import world as world  # the fixture
from tests.support.stores import commit_without_handlers


async def _diagnosed(uow: UnitOfWorkFactory, world: World):
    case = everything(world)
    await add_cases(uow, case)
    first = Diagnosis.record(
        case,
        id=new_id(),
        person_id=world["Zoë Ñúñez"],
        code="f41.1",
        description="Generalised anxiety — “quoted”",
        period=Period(D),
    )
    second = Diagnosis.record(
        case,
        id=new_id(),
        person_id=world["Jo Kowalski"],
        code="Z63.0",
        description="",
        period=Period(D + timedelta(days=1)),
    )
    async with uow() as u:
        await u.diagnoses.add(first)
        await u.diagnoses.add(second)
        await commit_without_handlers(u)
    return case, first, second


async def test_diagnoses_round_trip_in_recorded_order(uow: UnitOfWorkFactory, world: World):
    case, first, second = await _diagnosed(uow, world)
    async with uow() as u:
        found = await u.diagnoses.for_cases([case.id])
        assert found == [first, second]
        assert found[0].code == "F41.1" and found[0].description.endswith("“quoted”")
        assert await u.diagnoses.get(second.id) == second
        assert await u.diagnoses.for_cases([]) == []


async def test_ending_a_diagnosis_is_stored_once(uow: UnitOfWorkFactory, world: World):
    case, first, _ = await _diagnosed(uow, world)
    later = D + timedelta(days=10)
    async with uow() as u:
        loaded = await u.diagnoses.get(first.id)
        assert loaded is not None
        loaded.end(case, later)
        await u.diagnoses.update(loaded)
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.diagnoses.get(first.id)
        assert stored is not None and stored.period == Period(D, later) and stored.version == 1
        with pytest.raises(InvariantViolation, match="already ended"):
            stored.end(case, later)


async def test_a_diagnosis_ended_meanwhile_is_not_ended_again(uow: UnitOfWorkFactory, world: World):
    case, first_dx, _ = await _diagnosed(uow, world)
    first, second = uow(), uow()
    async with first, second:
        a = await first.diagnoses.get(first_dx.id)
        b = await second.diagnoses.get(first_dx.id)
        assert a is not None and b is not None
        a.end(case, D + timedelta(days=3))
        await first.diagnoses.update(a)
        await commit_without_handlers(first)
        b.end(case, D + timedelta(days=4))
        with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
            await second.diagnoses.update(b)
            await commit_without_handlers(second)
    async with uow() as u:
        stored = await u.diagnoses.get(first_dx.id)
    assert stored is not None and stored.period == Period(D, D + timedelta(days=3))


async def test_a_diagnosis_rank_is_stored_and_a_stale_change_refused(
    uow: UnitOfWorkFactory, world: World
):
    case, first_dx, _ = await _diagnosed(uow, world)
    one, two = uow(), uow()
    async with one, two:
        a = await one.diagnoses.get(first_dx.id)
        b = await two.diagnoses.get(first_dx.id)
        assert a is not None and b is not None and not a.primary
        a.rank_as(case, primary=True)
        await one.diagnoses.update(a)
        await commit_without_handlers(one)
        b.end(case, D + timedelta(days=2))
        with pytest.raises(ConcurrencyConflict):
            await two.diagnoses.update(b)
            await commit_without_handlers(two)
    async with uow() as u:
        stored = await u.diagnoses.get(first_dx.id)
        assert stored is not None and stored.primary and stored.period.end is None
        assert stored.version == 1
