"""The case page's documentation counts on every store, in one query: a case's held sessions
without a signed note and its plans due for review — for the case's clinicians only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import Attendance
from core.ports import UnitOfWorkFactory
from core.ports.notes import CaseOpenCounts
from tests.contract.cases.test_cases import D, World, add_cases, couple, everything
from tests.contract.cases.test_cases import world as world  # the fixture
from tests.contract.documentation.test_plans import AT, _stored, draft
from tests.support.notes_practice import CLINICIAN, NotesClinic

LATER = datetime(2030, 1, 1, tzinfo=UTC)


async def test_plans_due_in_a_case_for_its_clinicians(uow: UnitOfWorkFactory, world: World):
    family, pair = everything(world), couple(world)
    await add_cases(uow, family, pair)
    jo, maya = world["Jo Kowalski"], world["Maya Rivera"]
    old = draft(family, jo, review_in=10)
    old.sign(family, world.lee.id, AT)
    newer = draft(family, jo, latest=old, review_in=20)  # supersedes `old`: one plan due
    newer.sign(family, world.lee.id, AT)
    overdue = draft(pair, maya, review_in=15)
    overdue.sign(pair, world.lee.id, AT)
    await _stored(uow, old, newer, overdue)
    today = D + timedelta(days=30)
    async with uow() as u:
        a = u.note_attention
        assert await a.case_open(family.id, world.lee.id, LATER, today) == CaseOpenCounts(
            without_signed_note=0, plans_due=1
        )
        assert (await a.case_open(pair.id, world.lee.id, LATER, today)).plans_due == 1
        assert (await a.case_open(family.id, world.lee.id, LATER, D + timedelta(15))).plans_due == 0
        assert await a.case_open(pair.id, world.kim.id, LATER, today) is None  # not its clinician


@pytest.fixture
async def clinic(uow: UnitOfWorkFactory) -> NotesClinic:
    return await NotesClinic(uow).setup()


async def test_sessions_without_a_signed_note_in_a_case(clinic: NotesClinic):
    lee = await clinic.staff("Dr. Lee", CLINICIAN)
    other = await clinic.staff("Dr. Other", CLINICIAN)
    person = await clinic.person("Ana Open")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    held = {person: Attendance.ATTENDED}
    await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=6)
    second = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=8)
    third = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=9)
    await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {person: Attendance.NO_SHOW}, day=12)
    await clinic.write(lee, await clinic.start(lee, second), {"Note": "draft"})
    await clinic.sign(lee, await clinic.write(lee, await clinic.start(lee, third), {"Note": "x"}))
    today = datetime(2026, 1, 16, 9, tzinfo=UTC)
    async with clinic.deps.uow() as u:
        counts = await u.note_attention.case_open(case_id, lee.id, today, today.date())
        assert counts == CaseOpenCounts(without_signed_note=2, plans_due=0)  # a draft: unsigned
        assert await u.note_attention.case_open(case_id, other.id, today, today.date()) is None
