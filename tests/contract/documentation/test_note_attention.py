"""The "needs attention" lists of notes on every store: one query each, oldest first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind
from core.domain.documentation.notes import NoteStatus
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.values import CaseId
from core.ports import UnitOfWorkFactory
from core.services.documentation import notes as n
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
    # The header's count (after every page) skips the practice-wide totals, which count
    # nothing of the owner's own: they run for the page only.
    counted = await board.sections(clinic.deps, clinic.owner, counting=True)
    assert "notes.totals" not in {s.key for s in counted}


NOW = datetime(2026, 1, 16, 9)


async def _open(clinic: NotesClinic, who: StaffActor, case_id: CaseId) -> tuple[Any, ...]:
    """`who`'s sessions without a signed note, the practice's totals of everyone, and the
    case page's count of `case_id`: all three read the held, unsigned sessions."""
    before = clinic.deps.clock.now()
    async with clinic.deps.uow() as uow:
        a = uow.note_attention
        rows = await a.without_signed_note(who.id, before, 50)
        totals = {
            x.staff_id: (x.without_signed_note, x.awaiting_cosignature, x.returned)
            for x in await a.totals(before)
        }
        case = await a.case_open(case_id, who.id, before, date(2026, 1, 16))
    return [(r.appointment_id, r.note_id) for r in rows], totals, case.without_signed_note


async def _flags_agree(engine: AsyncEngine | None) -> None:
    """On a database: every appointment's `note_signed` is what its note says."""
    if engine is None:
        return
    async with engine.connect() as conn:
        wrong = await conn.scalar(
            sa.text(
                "SELECT count(*) FROM appointments a WHERE a.note_signed <> EXISTS ("
                "SELECT 1 FROM notes n WHERE n.appointment_id = a.id AND n.status <> 'draft')"
            )
        )
    assert wrong == 0


async def test_signing_takes_a_session_off_the_lists_and_a_draft_does_not(
    clinic: NotesClinic, engine: AsyncEngine | None
):
    lee = await clinic.staff("Dr. Lee", CLINICIAN, SUPERVISOR)
    associate = await clinic.staff("Alex Associate", associate=True, supervisor=lee)
    ana, ben = await clinic.person("Ana Signing"), await clinic.person("Ben Signing")
    lees = await clinic.case(CaseKind.INDIVIDUAL, lee, (ana, None))
    theirs = await clinic.case(CaseKind.INDIVIDUAL, associate, (ben, None))
    first, second, third = [
        await clinic.held(lee, lees, CaseKind.INDIVIDUAL, {ana: Attendance.ATTENDED}, day=d)
        for d in (6, 7, 8)
    ]
    mine = await clinic.held(
        associate, theirs, CaseKind.INDIVIDUAL, {ben: Attendance.ATTENDED}, day=9
    )
    clinic.now(NOW)
    assert await _open(clinic, lee, lees) == (
        [(first, None), (second, None), (third, None)],
        {lee.id: (3, 0, 0), associate.id: (1, 0, 0)},
        3,
    )
    await _flags_agree(engine)

    # A draft is not a signed note: the session stays, now with its draft's id.
    draft = await clinic.write(lee, await clinic.start(lee, first), {"Note": "Draft text"})
    rows, totals, case = await _open(clinic, lee, lees)
    assert rows[0] == (first, draft.id) and totals[lee.id] == (3, 0, 0) and case == 3
    await _flags_agree(engine)

    # Signed: off the clinician's list, the owner's totals and the case's count.
    await clinic.sign(lee, draft)
    assert await _open(clinic, lee, lees) == (
        [(second, None), (third, None)],
        {lee.id: (2, 0, 0), associate.id: (1, 0, 0)},
        2,
    )
    await _flags_agree(engine)

    # A draft struck through as entered in error is done with, as a signed note is: a session
    # has one note, so listing it would ask for a note that can no longer be written.
    struck = await clinic.write(lee, await clinic.start(lee, second), {"Note": "Wrong case"})
    struck = await n.mark_note_entered_in_error(
        clinic.deps, lee, n.MarkNoteEnteredInError(note_id=struck.id, reason="Wrong client")
    )
    assert struck.status is NoteStatus.ENTERED_IN_ERROR
    rows, totals, case = await _open(clinic, lee, lees)
    assert rows == [(third, None)] and totals[lee.id] == (1, 0, 0) and case == 1
    # A signed note entered in error stays off the lists too.
    signed = await clinic.get(draft.id)
    await n.mark_note_entered_in_error(
        clinic.deps, lee, n.MarkNoteEnteredInError(note_id=signed.id, reason="Duplicate")
    )
    assert (await _open(clinic, lee, lees))[0] == [(third, None)]
    await _flags_agree(engine)

    # An associate's note: signed it awaits co-signature; returned, it is the author's to
    # answer (counted as returned, not as a session without a note); co-signed, nothing.
    note = await clinic.sign(
        associate, await clinic.write(associate, await clinic.start(associate, mine), {"Note": "x"})
    )
    assert note.status is NoteStatus.AWAITING_COSIGNATURE
    _, totals, _ = await _open(clinic, lee, lees)
    assert totals[associate.id] == (0, 1, 0)
    note = await n.return_note(
        clinic.deps,
        lee,
        n.ReturnNote(note_id=note.id, version=note.version, comment="Add the plan."),
    )
    rows, totals, _ = await _open(clinic, associate, theirs)
    assert rows == [] and totals[associate.id] == (0, 0, 1)
    await _flags_agree(engine)
    note = await n.add_addendum(
        clinic.deps, associate, n.AddAddendum(note_id=note.id, text="Plan: weekly.")
    )
    note = await n.resubmit_note(
        clinic.deps, associate, n.NoteStep(note_id=note.id, version=note.version)
    )
    await n.cosign_note(clinic.deps, lee, n.NoteStep(note_id=note.id, version=note.version))
    _, totals, _ = await _open(clinic, lee, lees)
    assert totals == {lee.id: (1, 0, 0)}
    await _flags_agree(engine)


async def test_the_database_keeps_the_flag_whatever_writes_the_notes(
    clinic: NotesClinic, adapter: str, engine: AsyncEngine | None
):
    """The flag is the database's: a note inserted, moved, signed or deleted by hand (a
    restore, a repair) keeps it, which no code of the app could promise."""
    if engine is None:
        pytest.skip("the memory store keeps no flag: it reads the notes themselves")
    lee = await clinic.staff("Dr. Lee")
    ana = await clinic.person("Ana Trigger")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (ana, None))
    one, other = [
        await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {ana: Attendance.ATTENDED}, day=d)
        for d in (6, 7)
    ]
    clinic.now(NOW)
    draft = await clinic.write(lee, await clinic.start(lee, one), {"Note": "By hand"})

    def key(value: UUID) -> Any:
        return value.hex if adapter == "sqlite" else value

    async def by_hand(statement: str, **values: UUID) -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text(statement), {k: key(v) for k, v in values.items()})

    async def listed() -> list[UUID]:
        return [a for a, _ in (await _open(clinic, lee, case_id))[0]]

    await by_hand("UPDATE notes SET status = 'signed' WHERE id = :i", i=draft.id)
    assert await listed() == [other]
    await _flags_agree(engine)
    await by_hand("DELETE FROM notes WHERE id = :i", i=draft.id)
    assert await listed() == [one, other]
    await _flags_agree(engine)
    # A copy of a signed note inserted by hand (as a restore does), then a draft moved from
    # one session to the other: the flag follows both.
    at = datetime(2026, 1, 16, 9, tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(t.notes).values(
                id=draft.id,
                case_id=case_id,
                appointment_id=one,
                author_id=lee.id,
                kind="progress_note",
                template_name="Free text",
                content="{}",
                status="signed",
                created_at=at,
                updated_at=at,
                version=0,
            )
        )
    assert await listed() == [other]
    moved = await clinic.write(lee, await clinic.start(lee, other), {"Note": "Moving"})
    await by_hand("DELETE FROM notes WHERE id = :i", i=draft.id)
    await by_hand("UPDATE notes SET appointment_id = :a WHERE id = :i", a=one, i=moved.id)
    await by_hand("UPDATE notes SET status = 'signed' WHERE id = :i", i=moved.id)
    assert await listed() == [other]
    await _flags_agree(engine)
