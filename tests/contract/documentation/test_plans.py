"""The treatment plans store, the same on memory, SQLite and PostgreSQL: versions per
participant, a signed version never written again, two tabs on one draft meet as a conflict,
and the "due for review" list in one query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.domain.cases.case import Case
from core.domain.documentation.plans import Goal, Objective, PlanContent, TreatmentPlan
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput, InvariantViolation
from core.domain.shared.values import PersonId
from core.ports import UnitOfWorkFactory
from tests.contract.cases.test_cases import D, World, add_cases, couple, everything, new_id
from tests.contract.cases.test_cases import world as world  # the fixture
from tests.support.stores import commit_without_handlers

AT = datetime(2026, 1, 6, 15, 30, tzinfo=UTC)


def content(review_in: int = 90, words: str = "Sleep") -> PlanContent:
    return PlanContent.of(
        problems=(f"{words} — “broken” since the move", "Worry at work"),
        goals=(
            Goal(
                "Sleep through most nights",
                (Objective("5 of 7 nights with 6 hours, by the sleep diary", D + timedelta(30)),),
            ),
            Goal("Fewer panic episodes", ()),
        ),
        interventions=("CBT-I", "Weekly sessions"),
        review_on=D + timedelta(days=review_in),
        written_on=D,
    )


def draft(
    case: Case, person: PersonId, latest: TreatmentPlan | None = None, at: datetime = AT, **kw
) -> TreatmentPlan:
    return TreatmentPlan.draft(
        case,
        id=new_id(),
        person_id=person,
        content=content(**kw),
        latest=latest,
        by=None,
        at=at,
    )


async def _stored(uow: UnitOfWorkFactory, *plans: TreatmentPlan) -> None:
    async with uow() as u:
        for plan in plans:
            await u.plans.add(plan)
        await commit_without_handlers(u)


async def test_versions_round_trip_and_signed_content_hashes_alike(
    uow: UnitOfWorkFactory, world: World
):
    case = everything(world)
    await add_cases(uow, case)
    jo, zoe = world["Jo Kowalski"], world["Zoë Ñúñez"]
    first = draft(case, jo)
    first.sign(case, world.lee.id, AT)
    second = draft(case, jo, latest=first, at=AT + timedelta(days=9), words="Sleep again")
    other = draft(case, zoe, at=AT + timedelta(days=1))
    await _stored(uow, first, other, second)
    async with uow() as u:
        found = await u.plans.for_case(case.id)
        assert [(p.person_id, p.number) for p in found] == [(jo, 1), (jo, 2), (zoe, 1)]
        assert found[0] == first and found[0].intact()
        assert found[0].signature is not None and found[0].signature.sha256 == (content().sha256())
        assert found[1].content.problems[0].endswith("“broken” since the move")
        assert await u.plans.latest(case.id, jo) == second
        assert await u.plans.get(other.id) == other
        assert await u.plans.latest(case.id, world["Ana Ward"]) is None


async def test_a_draft_is_saved_again_and_then_signed_once(uow: UnitOfWorkFactory, world: World):
    case = everything(world)
    await add_cases(uow, case)
    plan = draft(case, world["Jo Kowalski"])
    await _stored(uow, plan)
    async with uow() as u:
        loaded = await u.plans.get(plan.id)
        assert loaded is not None
        loaded.revise(case, content(words="Nightmares"), world.kim.id, AT)
        await u.plans.update(loaded)
        loaded.sign(case, world.lee.id, AT + timedelta(minutes=1))
        await u.plans.update(loaded)
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.plans.get(plan.id)
        assert stored is not None and stored.version == 2 and stored.written_by == world.kim.id
        assert stored.content.problems[0].startswith("Nightmares") and stored.intact()
        with pytest.raises(InvariantViolation, match="signed"):
            stored.revise(case, content(), None, AT)
        # Past the domain (a bug, a stale copy): the store refuses to write a signed version.
        stored.signature = None
        with pytest.raises(ConcurrencyConflict):
            await u.plans.update(stored)


async def test_two_tabs_saving_one_draft_meet_as_a_conflict(uow: UnitOfWorkFactory, world: World):
    case = everything(world)
    await add_cases(uow, case)
    plan = draft(case, world["Jo Kowalski"])
    await _stored(uow, plan)
    first, second = uow(), uow()
    async with first, second:
        a = await first.plans.get(plan.id)
        b = await second.plans.get(plan.id)
        assert a is not None and b is not None
        a.revise(case, content(words="A"), None, AT)
        await first.plans.update(a)
        await commit_without_handlers(first)
        b.sign(case, world.lee.id, AT)
        with pytest.raises(ConcurrencyConflict):
            await second.plans.update(b)
            await commit_without_handlers(second)
    async with uow() as u:
        stored = await u.plans.get(plan.id)
        assert stored is not None and stored.signature is None
        assert stored.content.problems[0].startswith("A")


async def test_the_same_next_version_is_added_once(uow: UnitOfWorkFactory, world: World):
    case = everything(world)
    await add_cases(uow, case)
    jo = world["Jo Kowalski"]
    await _stored(uow, draft(case, jo))
    with pytest.raises((ConcurrencyConflict, InvalidInput)):
        await _stored(uow, draft(case, jo))  # another tab's "new plan", number 1 again
    async with uow() as u:
        assert len(await u.plans.for_case(case.id)) == 1


async def test_plans_due_for_review_of_a_clinician(uow: UnitOfWorkFactory, world: World):
    family, pair = everything(world), couple(world)
    await add_cases(uow, family, pair)
    jo, zoe, maya = world["Jo Kowalski"], world["Zoë Ñúñez"], world["Maya Rivera"]
    old = draft(family, jo, review_in=10)
    old.sign(family, world.lee.id, AT)
    newer = draft(family, jo, latest=old, review_in=20)  # signed: supersedes `old`
    newer.sign(family, world.lee.id, AT)
    unsigned = draft(family, zoe, review_in=5)  # a draft is not in force: never due
    overdue = draft(pair, maya, review_in=15)
    overdue.sign(pair, world.lee.id, AT)
    later = draft(pair, world["Sam Chen"], review_in=200)
    later.sign(pair, world.lee.id, AT)
    await _stored(uow, old, newer, unsigned, overdue, later)
    today = D + timedelta(days=30)
    async with uow() as u:
        due = await u.plans.due_for_review(world.lee.id, today)
        assert [(d.plan_id, d.review_on) for d in due] == [
            (overdue.id, D + timedelta(15)),
            (newer.id, D + timedelta(20)),
        ]
        assert due[0].case_name == pair.name and due[0].person_id == maya
        assert due[1].number == 2
        # Kim co-treats the family from D+3 only: that plan, not the couple's.
        assert [d.plan_id for d in await u.plans.due_for_review(world.kim.id, today)] == [newer.id]
        assert await u.plans.due_for_review(world.lee.id, D + timedelta(days=15)) == []


async def test_a_signed_plan_row_is_refused_by_the_database(uow: UnitOfWorkFactory, world: World):
    """SQL stores: a hand-written UPDATE of a signed version fails in the database itself."""
    case = everything(world)
    await add_cases(uow, case)
    plan = draft(case, world["Jo Kowalski"])
    plan.sign(case, world.lee.id, AT)
    await _stored(uow, plan)
    async with uow() as u:
        conn = getattr(u, "_conn", None)
        if conn is None:
            pytest.skip("the memory store has no SQL: its repository refuses, tested above")
        with pytest.raises(sa.exc.DBAPIError, match="signed treatment plan cannot change"):
            await conn.execute(
                sa.text("UPDATE treatment_plans SET content = '{}' WHERE id = :id"),
                {"id": plan.id if conn.dialect.name == "postgresql" else plan.id.hex},
            )
    async with uow() as u:
        stored = await u.plans.get(plan.id)
        assert stored is not None and stored.intact()
