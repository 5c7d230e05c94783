"""Notes on every store (memory, SQLite, PostgreSQL): the kind of note a session gets, drafts
that never lose text, signing and the lock, addenda, entered in error, limits."""

from __future__ import annotations

import dataclasses

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.documentation.notes import (
    MAX_NOTE_CHARS,
    DraftConflict,
    NoteKind,
    NoteStatus,
    Section,
)
from core.domain.documentation.signatures import digest
from core.domain.documentation.templates import BUILT_IN
from core.domain.scheduling.appointments import AppointmentStatus, Attendance
from core.domain.shared.errors import (
    ConcurrencyConflict,
    Forbidden,
    InvalidInput,
    InvariantViolation,
)
from core.ports import UnitOfWorkFactory
from core.services import scheduling as s
from core.services.documentation import notes as n
from core.services.documentation.views.notes import read_note
from tests.support.notes_practice import NotesClinic
from tests.support.scheduling_practice import at

SOAP = next(t for t in BUILT_IN if t.name == "SOAP")
A = Attendance.ATTENDED


@pytest.fixture
async def clinic(uow: UnitOfWorkFactory) -> NotesClinic:
    return await NotesClinic(uow).setup()


async def _individual(clinic: NotesClinic, kind: CaseKind = CaseKind.INDIVIDUAL):
    lee = await clinic.staff("Dr. Lee")
    person = await clinic.person(f"Ana {kind.value}")
    case_id = await clinic.case(kind, lee, (person, None))
    appointment = await clinic.held(lee, case_id, kind, {person: A})
    return lee, person, case_id, appointment


@pytest.mark.parametrize(
    ("kind", "note_kind"),
    [
        (CaseKind.INDIVIDUAL, NoteKind.PROGRESS),
        (CaseKind.CONSULTATION, NoteKind.CONSULTATION),
        (CaseKind.WORKSHOP, NoteKind.SESSION),
    ],
)
async def test_the_case_kind_decides_the_kind_of_note(clinic, kind, note_kind):
    lee, _, _, appointment = await _individual(clinic, kind)
    note = await clinic.start(lee, appointment, SOAP.id)
    assert note.kind is note_kind
    assert [s.title for s in note.sections] == ["Subjective", "Objective", "Assessment", "Plan"]
    again = await clinic.start(lee, appointment)  # a double click: still one note
    assert again.id == note.id


async def test_a_cancelled_session_gets_a_short_cancellation_note(clinic):
    lee = await clinic.staff("Dr. Lee")
    person = await clinic.person("Ana Cancel")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    booking = await clinic.book(lee, case_id, at(1, 9, 10))
    appointment = await clinic.appointment(booking.appointment_ids[0])
    await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=appointment.id, version=appointment.version),
    )
    note = await clinic.start(lee, booking.appointment_ids[0], SOAP.id)
    assert note.kind is NoteKind.CANCELLATION
    assert [s.title for s in note.sections] == ["Note"]  # free text, whatever was asked
    with pytest.raises(InvalidInput, match="at most 2,000"):
        await clinic.write(lee, note, {"Note": "x" * 2001})


async def test_a_draft_survives_and_a_stale_tab_gets_both_versions(clinic, uow):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment, SOAP.id)
    first_tab = await clinic.write(lee, note, {"Subjective": "Slept better.\nLess worry."})
    with pytest.raises(DraftConflict) as conflict:
        await clinic.write(lee, note, {"Subjective": "From the other tab"})  # stale version
    assert conflict.value.theirs.sections[0].text == "Slept better.\nLess worry."
    assert conflict.value.mine == {"Subjective": "From the other tab"}
    stored = await clinic.get(note.id)  # nothing overwritten, line breaks kept
    assert stored.sections[0].text == "Slept better.\nLess worry."
    assert stored.version == first_tab.version


async def test_signing_locks_the_note_in_the_store_itself(clinic, uow):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment, SOAP.id)
    note = await clinic.write(lee, note, {"Plan": "Next week."})
    signed = await clinic.sign(lee, note)
    assert signed.status is NoteStatus.SIGNED and signed.signature.by == lee.id
    stored = await clinic.get(note.id)
    assert stored.signature.sha256 == digest(stored.content()) and stored.verifies(stored.signature)
    # A bug that wrote the content anyway is refused by the store (the domain would refuse
    # first: this goes around it).
    tampered = dataclasses.replace(stored, sections=(Section("Plan", "", "Changed"),))
    async with uow() as u:
        with pytest.raises(InvariantViolation):
            await u.notes.update(tampered)
    assert not tampered.verifies(stored.signature)
    with pytest.raises(InvariantViolation, match="signed"):
        await clinic.write(lee, stored, {"Plan": "Changed"})
    assert (await clinic.get(note.id)).sections[3].text == "Next week."


async def test_sign_against_a_draft_saved_meanwhile_one_wins(clinic):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment, SOAP.id)
    note = await clinic.write(lee, note, {"Plan": "v1"})
    await clinic.sign(lee, note)
    with pytest.raises(InvariantViolation, match="signed"):  # the other tab's autosave
        await clinic.write(lee, note, {"Plan": "v2"})
    other = await clinic.start(lee, await clinic.held(lee, note.case_id, CaseKind.INDIVIDUAL, {}))
    saved = await clinic.write(lee, other, {"Note": "typed"})
    with pytest.raises(ConcurrencyConflict):  # a sign click from a tab older than the save
        await clinic.sign(lee, other)
    assert (await clinic.sign(lee, saved)).status is NoteStatus.SIGNED


async def test_addenda_and_entered_in_error_keep_the_note(clinic):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment)
    note = await clinic.sign(lee, await clinic.write(lee, note, {"Note": "Session held."}))
    with pytest.raises(InvariantViolation, match="draft"):
        n_draft = await clinic.start(
            lee, await clinic.held(lee, note.case_id, CaseKind.INDIVIDUAL, {})
        )
        await n.add_addendum(clinic.deps, lee, n.AddAddendum(note_id=n_draft.id, text="x"))
    amended = await n.add_addendum(
        clinic.deps, lee, n.AddAddendum(note_id=note.id, text="Correction: 50 minutes.")
    )
    assert [a.text for a in amended.addenda] == ["Correction: 50 minutes."]
    assert amended.verifies(amended.signature)  # the signature covers the note, not later addenda
    struck = await n.mark_note_entered_in_error(
        clinic.deps, lee, n.MarkNoteEnteredInError(note_id=note.id, reason="Wrong client")
    )
    stored = await clinic.get(note.id)
    assert stored.status is NoteStatus.ENTERED_IN_ERROR and stored.entered_in_error.reason == (
        "Wrong client"
    )
    assert stored.sections == struck.sections and len(stored.addenda) == 1


async def test_long_notes_up_to_the_limit_and_html_stays_text(clinic):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment)
    note = await clinic.write(lee, note, {"Note": "a" * MAX_NOTE_CHARS})
    assert len((await clinic.get(note.id)).sections[0].text) == MAX_NOTE_CHARS
    with pytest.raises(InvalidInput, match="200,000") as refused:
        await clinic.write(lee, note, {"Note": "a" * (MAX_NOTE_CHARS + 1)})
    assert refused.value.field == "text"
    html = "<script>alert(1)</script>\r\n<b>bold</b>"
    note = await clinic.write(lee, note, {"Note": html})
    assert (await clinic.get(note.id)).sections[0].text == "<script>alert(1)</script>\n<b>bold</b>"


async def test_a_signed_note_opened_is_audited_once_and_verifies(clinic):
    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment)
    note = await clinic.sign(lee, await clinic.write(lee, note, {"Note": "Held."}))
    before = len(clinic.practice.audit.entries)
    view = await read_note(clinic.deps, lee, note.id)
    entries = [e.record for e in clinic.practice.audit.entries[before:]]
    reads = [e for e in entries if e.object_type == "note"]
    assert [(e.action.value, e.object_id) for e in reads] == [("read", note.id)]
    assert view.signature is not None and view.signature.verified
    assert view.status is NoteStatus.SIGNED and not view.can_edit


async def test_no_show_note(clinic):
    lee = await clinic.staff("Dr. Lee")
    person = await clinic.person("Ana NoShow")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    appointment = await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {person: Attendance.NO_SHOW})
    assert (await clinic.appointment(appointment)).status is AppointmentStatus.NO_SHOW
    note = await clinic.start(lee, appointment)
    assert note.kind is NoteKind.NO_SHOW


async def test_the_practices_own_template_and_a_note_keeps_its_sections(clinic):
    from core.services.documentation import templates as t

    lee, _, _, appointment = await _individual(clinic)
    template_id = await t.add_template(
        clinic.deps,
        clinic.owner,
        t.AddTemplate(
            name="Intake",
            sections=t.parse_sections("Presenting problem: in their words\nHistory\n\n"),
        ),
    )
    with pytest.raises(Forbidden):
        await t.add_template(clinic.deps, lee, t.AddTemplate(name="Mine", sections=()))
    note = await clinic.start(lee, appointment, template_id)
    assert [(s.title, s.hint) for s in note.sections] == [
        ("Presenting problem", "in their words"),
        ("History", ""),
    ]
    await t.change_template(
        clinic.deps,
        clinic.owner,
        t.ChangeTemplate(
            template_id=template_id,
            version=0,
            name="Intake v2",
            sections=t.parse_sections("Reason for referral"),
        ),
    )
    assert [s.title for s in (await clinic.get(note.id)).sections] == [
        "Presenting problem",
        "History",
    ]
    names = [x.name for x in await t.practice_templates(clinic.deps, lee)]
    assert names == ["SOAP", "DAP", "BIRP", "Free text", "Intake v2"]
    with pytest.raises(InvalidInput, match="same title"):
        await t.add_template(
            clinic.deps,
            clinic.owner,
            t.AddTemplate(name="Twice", sections=t.parse_sections("A\na")),
        )


async def test_signing_what_is_on_screen_against_an_autosave_of_it(clinic):
    """The click on "Sign" also leaves the text field, which autosaves: that autosave of the
    same text is no conflict; other text from a stale tab is, and nothing is signed."""
    lee, _, case_id, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment)
    await clinic.write(lee, note, {"Note": "Final text"})  # the autosave, version 0 -> 1
    signed = await n.sign_note(
        clinic.deps, lee, n.SignNote(note_id=note.id, version=0, sections={"Note": "Final text"})
    )
    assert signed.status is NoteStatus.SIGNED and signed.sections[0].text == "Final text"
    other = await clinic.start(lee, await clinic.held(lee, case_id, CaseKind.INDIVIDUAL, {}))
    await clinic.write(lee, other, {"Note": "From tab one"})
    with pytest.raises(DraftConflict):
        await n.sign_note(
            clinic.deps, lee, n.SignNote(note_id=other.id, version=0, sections={"Note": "Tab two"})
        )
    stored = await clinic.get(other.id)
    assert stored.status is NoteStatus.DRAFT and stored.sections[0].text == "From tab one"
    fresh = await n.sign_note(
        clinic.deps,
        lee,
        n.SignNote(note_id=other.id, version=stored.version, sections={"Note": "Tab two"}),
    )
    assert fresh.sections[0].text == "Tab two" and fresh.verifies(fresh.signature)


async def test_an_autosave_committing_while_the_same_text_is_signed(clinic, uow, adapter):
    """The click on "Sign" leaves the field; its autosave commits while the sign runs: the
    sign reads the note again and signs the text both carry."""
    if adapter == "sqlite":
        pytest.skip("SQLite serialises writers: the autosave waits for the sign to commit")
    import dataclasses as dc

    lee, _, _, appointment = await _individual(clinic)
    note = await clinic.start(lee, appointment)
    note = await clinic.write(lee, note, {"Note": "Draft"})
    fired = []

    async def autosave() -> None:
        if not fired:
            fired.append(True)
            await clinic.write(lee, note, {"Note": "Final"})  # its own unit of work

    class Notes:  # the note store, letting the autosave commit just before the sign writes
        def __init__(self, inner) -> None:
            self.inner = inner

        def __getattr__(self, name: str):
            return getattr(self.inner, name)

        async def update(self, changed) -> None:
            await autosave()
            await self.inner.update(changed)

    class Hooked:
        def __init__(self) -> None:
            self.inner = uow()

        def __getattr__(self, name: str):
            found = getattr(self.inner, name)
            return Notes(found) if name == "notes" else found

        async def __aenter__(self):
            await self.inner.__aenter__()
            return self

        async def __aexit__(self, *exc):
            await self.inner.__aexit__(*exc)

    racing = dc.replace(clinic.deps, uow=Hooked)
    signed = await n.sign_note(
        racing, lee, n.SignNote(note_id=note.id, version=note.version, sections={"Note": "Final"})
    )
    assert fired and signed.status is NoteStatus.SIGNED and signed.sections[0].text == "Final"
    assert (await clinic.get(note.id)).verifies(signed.signature)
