"""The demo's notes, written the day after each session: the DBT group's first sessions with a
shared summary and a private section per attendee (scenario 9, Riley's addendum on one), the
couple's and the Okafor family's first notes signed, a draft left open, and the associate's
Haddad notes: one awaiting Dr. Lee's co-signature, one returned with a comment (scenario 6).
Later sessions have no note yet, so "Needs attention" has something to show."""

from __future__ import annotations

from datetime import timedelta

from adapters.cli.demo.loader import Loader
from adapters.cli.demo.staff import Team
from core.domain.cases.access import StaffActor
from core.domain.documentation.templates import BUILT_IN
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.services.documentation import notes as n
from core.services.documentation import psychotherapy_notes as pn

SOAP = next(t for t in BUILT_IN if t.name == "SOAP").id
GROUP_SUMMARY = (
    "Module: distress tolerance (TIPP and self-soothe).\n"
    "Homework review; practice of paced breathing; diary cards collected."
)
PRIVATE = "Engaged; diary card complete; no urges to self-harm this week. Practised TIPP."


async def _held(d: Loader, key: str) -> list[Appointment]:
    async with d.deps.uow() as uow:
        found = await uow.appointments.for_case(
            d.cases[key], statuses=[AppointmentStatus.COMPLETED]
        )
    return [a for a in found if a.end <= d.clock.real_now]


async def _write(
    d: Loader,
    by: StaffActor,
    appointment: Appointment,
    text: dict[str, str],
    *,
    template=SOAP,
    private: str | None = None,
    sign: bool = True,
):
    d.clock.at(min(appointment.local_day(d.deps.tz) + timedelta(days=1), d.today))
    note = await n.start_note(
        d.deps, by, n.StartNote(appointment_id=appointment.id, template_id=template)
    )
    privates = {p.person_id: private for p in note.private if not p.absent} if private else {}
    note = await n.save_draft(
        d.deps,
        by,
        n.SaveDraft(note_id=note.id, version=note.version, sections=text, private=privates),
    )
    if sign:
        note = await n.sign_note(d.deps, by, n.NoteStep(note_id=note.id, version=note.version))
    return note


async def write_notes(d: Loader, t: Team) -> None:
    group = await _held(d, "group")
    for i, session in enumerate(group[:2]):
        note = await _write(
            d, t.lee, session, {"Note": GROUP_SUMMARY}, template=None, private=PRIVATE
        )
        if i == 0:
            await n.add_addendum(
                d.deps,
                t.riley,
                n.AddAddendum(note_id=note.id, text="Co-therapist: two members stayed after."),
            )
    if len(group) > 2:
        await _write(
            d, t.lee, group[2], {"Note": "Started: chain analysis."}, template=None, sign=False
        )
    soap = {
        "Subjective": "Reports fewer arguments this week.",
        "Objective": "Calm, engaged, good eye contact.",
        "Assessment": "Progress toward the communication goal.",
        "Plan": "Continue; practise the speaker-listener technique.",
    }
    for key in ("couple", "family"):
        held = await _held(d, key)
        if held:
            await _write(d, t.lee, held[0], soap)
    couple = await _held(d, "couple")
    if couple:
        await pn.save_psychotherapy_note(
            d.deps,
            t.lee,
            pn.SavePsychotherapyNote(
                appointment_id=couple[0].id, text="My own process notes: countertransference."
            ),
        )
    haddad = await _held(d, "associate_family")
    if haddad:
        note = await _write(d, t.riley, haddad[0], soap)
        await n.return_note(
            d.deps,
            t.lee,
            n.ReturnNote(
                note_id=note.id, version=note.version, comment="Add the safety plan review."
            ),
        )
    if len(haddad) > 1:
        await _write(d, t.riley, haddad[1], soap)  # awaits Dr. Lee's co-signature
    d.clock.at(d.today)
