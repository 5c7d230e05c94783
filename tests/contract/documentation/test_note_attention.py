"""The "needs attention" lists of notes on every store: one query each, oldest first."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import Attendance
from core.ports import UnitOfWorkFactory
from core.services.documentation.attention import note_sections
from core.services.shared.attention import AttentionBoard
from tests.support.notes_practice import CLINICIAN, SUPERVISOR, NotesClinic


@pytest.fixture
async def clinic(uow: UnitOfWorkFactory) -> NotesClinic:
    return await NotesClinic(uow).setup()


async def test_sessions_without_a_signed_note_drafts_and_totals(clinic: NotesClinic):
    lee = await clinic.staff("Dr. Lee", CLINICIAN, SUPERVISOR)
    other = await clinic.staff("Dr. Other")
    person = await clinic.person("Ana Attention")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    held = {person: Attendance.ATTENDED}
    first = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=6)
    second = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=8)
    third = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, held, day=9)
    no_show = {person: Attendance.NO_SHOW}
    missed = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, no_show, day=12)
    draft = await clinic.write(lee, await clinic.start(lee, second), {"Note": "draft"})
    await clinic.sign(lee, await clinic.write(lee, await clinic.start(lee, third), {"Note": "x"}))
    clinic.now(datetime(2026, 1, 16, 9))
    board = AttentionBoard([note_sections])
    sections = {s.key: s for s in await board.sections(clinic.deps, lee)}
    unsigned = sections["notes.unsigned"].rows
    assert [r.target_id for r in unsigned] == [first, second]  # oldest first; no-show: none
    assert missed not in [r.target_id for r in unsigned]
    assert unsigned[0].detail.endswith("held 10 days ago")
    assert [r.target_id for r in sections["notes.drafts"].rows] == [draft.id]
    assert "notes.awaiting" not in sections  # empty sections are left out
    assert await board.count(clinic.deps, lee) == 3
    assert await board.sections(clinic.deps, other) == []
    owner = {s.key: s for s in await board.sections(clinic.deps, clinic.owner)}
    totals = owner["notes.totals"].rows
    assert [(r.label, r.detail.split(" ·")[0]) for r in totals] == [
        ("Dr. Lee", "2 held without a signed note")
    ]
    assert await board.count(clinic.deps, clinic.owner) == 0  # totals are not the owner's to do
    # The header's count (after every page) skips the practice-wide totals: the one list that
    # is slow at a large practice (about 0.5 s at the bench's large tier) runs for the page only.
    counted = await board.sections(clinic.deps, clinic.owner, counting=True)
    assert "notes.totals" not in {s.key for s in counted}
