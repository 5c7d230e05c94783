"""Scenarios 6 and 9 of DOMAIN.md on every store, and the access policy of notes."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.documentation.notes import NoteStatus
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import (
    ConcurrencyConflict,
    Forbidden,
    InvalidInput,
    InvariantViolation,
    NotFound,
)
from core.ports import UnitOfWorkFactory
from core.services.documentation import notes as n
from core.services.documentation import psychotherapy_notes as pn
from core.services.documentation.views.case_notes import case_notes
from core.services.documentation.views.notes import appointment_note, read_note, search_notes
from tests.support.notes_practice import CLINICIAN, SUPERVISOR, NotesClinic

A, ABSENT = Attendance.ATTENDED, Attendance.ABSENT
DBT = ["Riley Ames", "Sam Birch", "Kai Chen", "Noor Diaz", "Ola Eze", "Pat Fox"]


@pytest.fixture
async def clinic(uow: UnitOfWorkFactory) -> NotesClinic:
    return await NotesClinic(uow).setup()


async def test_scenario_9_group_note_with_private_sections(clinic: NotesClinic):
    lee = await clinic.staff("Dr. Lee")
    riley = await clinic.staff("Riley Cotherapist")
    case_id, members = await clinic.group(lee, DBT)
    await clinic.assign(case_id, riley, StaffDuty.CO_THERAPIST)
    absent = members[5]
    marks = {p: A for p in members[:5]} | {absent: ABSENT}
    appointment = await clinic.held(lee, case_id, CaseKind.GROUP, marks)

    note = await clinic.start(lee, appointment)
    assert [p.person_id for p in note.private] == members
    assert [p.absent for p in note.private] == [False] * 5 + [True]
    private = {p: f"Private about member{i} secretword{i}" for i, p in enumerate(members[:5])}
    with pytest.raises(InvalidInput):  # the absent member has a line, not a section
        await clinic.write(lee, note, {"Note": "x"}, {absent: "nothing"})
    note = await clinic.write(lee, note, {"Note": "Shared summary: distress tolerance."}, private)
    note = await clinic.sign(lee, note)
    assert note.status is NoteStatus.SIGNED

    # Riley, the co-therapist, adds an addendum after Dr. Lee signed.
    amended = await n.add_addendum(
        clinic.deps, riley, n.AddAddendum(note_id=note.id, text="Riley: Kai left early.")
    )
    assert amended.addenda[0].by == riley.id

    for i, member in enumerate(members[:5]):
        view = await read_note(clinic.deps, lee, note.id, person_id=member)
        assert view.sections[0].text == "Shared summary: distress tolerance."
        assert [(p.person_id, p.text) for p in view.private] == [(member, private[member])]
        rendered = repr(view)
        others = [w for j, w in enumerate(private.values()) if j != i]
        assert not any(o in rendered for o in others)  # nobody else's section at all
        own = await search_notes(clinic.deps, lee, f"secretword{i}", person_id=member)
        assert [h.note_id for h in own] == [note.id]
        for j in range(5):
            if j != i:  # another member's private words never match in this record
                assert (
                    await search_notes(clinic.deps, lee, f"secretword{j}", person_id=member) == []
                )
        shared = await search_notes(clinic.deps, lee, "distress", person_id=member)
        assert [h.part for h in shared] == ["shared part"]
        timeline = await case_notes(clinic.deps, lee, case_id, person_id=member)
        assert [(r.own, r.parts[0].text) for r in timeline.rows] == [
            (private[member], "Shared summary: distress tolerance.")
        ]
        assert not any(o in repr(timeline) for o in others)
    absent_view = await read_note(clinic.deps, lee, note.id, person_id=absent)
    assert [(p.absent, p.text) for p in absent_view.private] == [(True, "")]
    # The clinicians' own search sees which member's section matched.
    whole = await search_notes(clinic.deps, riley, "secretword2")
    assert [(h.note_id, h.part) for h in whole] == [(note.id, "Kai Chen")]


async def test_scenario_6_associate_notes_go_to_the_right_supervisor(clinic: NotesClinic):
    lee = await clinic.staff("Dr. Lee", CLINICIAN, SUPERVISOR)
    patel = await clinic.staff("Dr. Patel", CLINICIAN, SUPERVISOR)
    kim = await clinic.staff("Dr. Kim", CLINICIAN, SUPERVISOR)
    associate = await clinic.staff("Alex Associate", associate=True, supervisor=kim)
    case_id, family = await clinic.group(associate, ["Ada Okafor", "Ben Okafor"], CaseKind.FAMILY)
    await clinic.assign(case_id, lee, StaffDuty.SUPERVISOR)
    marks = {p: A for p in family}
    first = await clinic.held(associate, case_id, CaseKind.FAMILY, marks)
    covered = await clinic.held(associate, case_id, CaseKind.FAMILY, marks, supervisor_id=patel.id)
    lee, patel, kim = [await clinic.refresh(x) for x in (lee, patel, kim)]

    signed = {}
    for appointment in (first, covered):
        note = await clinic.start(associate, appointment)
        note = await clinic.write(associate, note, {"Note": "Family session."})
        signed[appointment] = await clinic.sign(associate, note)
    assert signed[first].supervisor_id == lee.id  # the case's supervisor
    assert signed[covered].supervisor_id == patel.id  # the session's own override
    assert {s.status for s in signed.values()} == {NoteStatus.AWAITING_COSIGNATURE}
    async with clinic.deps.uow() as uow:
        lees = await uow.note_attention.awaiting(lee.id, 10)
        patels = await uow.note_attention.awaiting(patel.id, 10)
        kims = await uow.note_attention.awaiting(kim.id, 10)
    assert [r.note_id for r in lees] == [signed[first].id]
    assert [r.note_id for r in patels] == [signed[covered].id]
    assert kims == []
    # Search follows the same rules inside its query: the session's own supervisor finds that
    # note only, the case's supervisor both, the default supervisor of the associate too.
    found = {
        who: {h.note_id for h in await search_notes(clinic.deps, actor, "family session")}
        for who, actor in (("patel", patel), ("lee", lee), ("kim", kim))
    }
    assert found["patel"] == {signed[covered].id}
    assert found["lee"] == found["kim"] == {signed[first].id, signed[covered].id}

    # Dr. Patel supervises only that session: she reads and co-signs it, not Dr. Lee's.
    covered_note = signed[covered]
    assert (await read_note(clinic.deps, patel, covered_note.id)).can_review
    with pytest.raises(Forbidden):
        await n.cosign_note(
            clinic.deps, lee, n.NoteStep(note_id=covered_note.id, version=covered_note.version)
        )
    # Two co-signatures at once: one.
    step = n.NoteStep(note_id=covered_note.id, version=covered_note.version)
    results = await asyncio.gather(
        n.cosign_note(clinic.deps, patel, step),
        n.cosign_note(clinic.deps, patel, step),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(
        isinstance(r, ConcurrencyConflict | InvariantViolation)
        for r in results
        if isinstance(r, Exception)
    )
    assert (await clinic.get(covered_note.id)).cosignature.by == patel.id

    # Dr. Lee returns hers; the associate answers with an addendum and signs again.
    note = signed[first]
    with pytest.raises(InvalidInput):
        await n.return_note(
            clinic.deps, lee, n.ReturnNote(note_id=note.id, version=note.version, comment="")
        )
    note = await n.return_note(
        clinic.deps,
        lee,
        n.ReturnNote(note_id=note.id, version=note.version, comment="Add the safety plan."),
    )
    async with clinic.deps.uow() as uow:
        returned = await uow.note_attention.returned(associate.id, 10)
        assert [r.note_id for r in returned] == [note.id]
    with pytest.raises(InvalidInput, match="addendum"):
        await n.resubmit_note(
            clinic.deps, associate, n.NoteStep(note_id=note.id, version=note.version)
        )
    note = await n.add_addendum(
        clinic.deps, associate, n.AddAddendum(note_id=note.id, text="Safety plan reviewed.")
    )
    note = await n.resubmit_note(
        clinic.deps, associate, n.NoteStep(note_id=note.id, version=note.version)
    )
    assert note.status is NoteStatus.AWAITING_COSIGNATURE and note.signature.addenda == 1
    note = await n.cosign_note(clinic.deps, lee, n.NoteStep(note_id=note.id, version=note.version))
    stored = await clinic.get(note.id)
    assert stored.status is NoteStatus.COSIGNED and stored.verifies(stored.cosignature)
    assert stored.verifies(stored.signature)


async def test_who_reads_notes(clinic: NotesClinic):
    lee = await clinic.staff("Dr. Lee")
    other = await clinic.staff("Dr. Other")
    admin = await clinic.staff("Morgan Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    person = await clinic.person("Ana Reader")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    appointment = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {person: A})
    note = await clinic.start(lee, appointment)
    note = await clinic.sign(lee, await clinic.write(lee, note, {"Note": "Confidential words"}))
    owner_clinical = await clinic.practice.actor(clinic.owner.id, owner_sees_clinical=True)

    with pytest.raises(Forbidden):
        await read_note(clinic.deps, admin, note.id)
    with pytest.raises(Forbidden):
        await read_note(clinic.deps, clinic.owner, note.id)
    with pytest.raises(NotFound):
        await read_note(clinic.deps, other, note.id)
    assert (await read_note(clinic.deps, owner_clinical, note.id)).sections[0].text
    line = await appointment_note(clinic.deps, admin, appointment)
    assert line.status is NoteStatus.SIGNED and line.signed_at is not None
    assert not line.may_read and not line.may_write
    assert "Confidential" not in repr(line)
    for actor in (admin, clinic.owner, other):
        assert await search_notes(clinic.deps, actor, "confidential") == []
    assert [h.note_id for h in await search_notes(clinic.deps, lee, "confidential")] == [note.id]
    assert [h.note_id for h in await search_notes(clinic.deps, owner_clinical, "words")] == [
        note.id
    ]


async def test_psychotherapy_notes_are_their_authors_alone(clinic: NotesClinic):
    kim = await clinic.staff("Dr. Kim", CLINICIAN, SUPERVISOR)
    associate = await clinic.staff("Alex Associate", associate=True, supervisor=kim)
    kim = await clinic.refresh(kim)
    person = await clinic.person("Ana Process")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, associate, (person, None))
    appointment = await clinic.held(associate, case_id, CaseKind.INDIVIDUAL, {person: A})
    saved = await pn.save_psychotherapy_note(
        clinic.deps,
        associate,
        pn.SavePsychotherapyNote(appointment_id=appointment, text="My process thoughts"),
    )
    mine = await pn.psychotherapy_note(clinic.deps, associate, appointment)
    assert mine is not None and mine.text == "My process thoughts"
    owner_clinical = await clinic.practice.actor(clinic.owner.id, owner_sees_clinical=True)
    for actor in (kim, owner_clinical, clinic.owner):
        with pytest.raises(NotFound):
            await pn.psychotherapy_note(clinic.deps, actor, appointment)
        with pytest.raises(NotFound):
            await pn.psychotherapy_note_by_id(clinic.deps, actor, saved.id)
        assert await search_notes(clinic.deps, actor, "process") == []
    assert await search_notes(clinic.deps, associate, "process") == []  # never searched
    actions = {e.record.action.value for e in clinic.practice.audit.entries}
    assert "psychotherapy_note" in actions


async def test_the_database_refuses_a_hand_written_update_of_a_signed_note(
    clinic: NotesClinic, adapter: str, engine
):
    if adapter == "memory":
        pytest.skip("a hand-written SQL statement needs a database")
    lee = await clinic.staff("Dr. Lee")
    person = await clinic.person("Ana Trigger")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    appointment = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {person: A})
    note = await clinic.start(lee, appointment)
    draft = await clinic.write(lee, note, {"Note": "Signed text"})
    async with engine.begin() as conn:  # a draft may still change, by hand too
        await conn.execute(
            sa.text("UPDATE notes SET updated_at = updated_at WHERE id = :i"),
            {"i": draft.id.hex if adapter == "sqlite" else draft.id},
        )
    signed = await clinic.sign(lee, draft)
    await n.add_addendum(clinic.deps, lee, n.AddAddendum(note_id=signed.id, text="An addendum"))
    key = signed.id.hex if adapter == "sqlite" else signed.id
    for statement in (
        'UPDATE notes SET content = \'{"sections": [], "private": []}\' WHERE id = :i',
        "UPDATE notes SET status = 'draft' WHERE id = :i",
        "UPDATE note_addenda SET body = 'changed' WHERE note_id = :i",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="cannot change"):
            async with engine.begin() as conn:
                await conn.execute(sa.text(statement), {"i": key})
    stored = await clinic.get(signed.id)
    assert stored.sections[0].text == "Signed text" and stored.verifies(stored.signature)
    assert stored.addenda[0].text == "An addendum"
