"""The benchmark practice's notes: most held sessions have a signed note (an associate's
co-signed, or still awaiting it), the last fortnight has drafts and sessions without a note —
what "needs attention" lists — and a few addenda and psychotherapy notes. A random generator of
its own, so that adding notes leaves the rest of the practice exactly as it was."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.notes import addendum_rows, note_row, search_rows
from core.domain.cases.case import Case
from core.domain.documentation.notes import Note
from core.domain.documentation.templates import BUILT_IN
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.values import PersonId, StaffId

SOAP = next(x for x in BUILT_IN if x.name == "SOAP")
TEXT = {
    "Subjective": "Reports a calmer week; sleep improving; practised the breathing exercise.",
    "Objective": "Engaged, euthymic affect, good eye contact.",
    "Assessment": "Progress toward goals; no safety concerns.",
    "Plan": "Continue weekly; homework: thought record.",
}
RECENT = timedelta(days=14)


class NoteWriter:
    def __init__(self, rows, seed: int) -> None:  # rows: bench.generate.Rows
        self.rows = rows
        self.rng = random.Random(seed + 1)
        rows.add(
            t.note_templates,
            [
                {
                    "id": self.uid(),
                    "name": "Intake",
                    "sections": '[["Reason",""]]',
                    "active": True,
                    "version": 0,
                }
            ],
        )

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def held(
        self,
        a: Appointment,
        case: Case,
        expected: list[PersonId],
        supervisor: StaffId | None,
        now: datetime,
    ) -> bool:
        """Write the note of `a` if it has one; true when that note is signed."""
        if a.status is not AppointmentStatus.COMPLETED:
            return False
        r, recent = self.rng.random(), a.start > now - RECENT
        if r < (0.35 if recent else 0.02):
            return False  # held without a note
        author, at = a.providers[0], a.end + timedelta(hours=2)
        note = Note.start(case, a, expected, SOAP, id=self.uid(), author=author, now=at)
        private = {
            p.person_id: "Participated; goals reviewed." for p in note.private if not p.absent
        }
        note.save_draft(author, TEXT, private, at)
        if not (recent and r < 0.6):
            note.sign(author, at, supervisor)
            if supervisor and not recent:
                note.cosign(supervisor, at + timedelta(days=1))
            if self.rng.random() < 0.03:
                note.add_addendum(self.uid(), author, at + timedelta(days=2), "Late entry: called.")
        note.events.pull()
        self.rows.add(t.notes, [note_row(note)])
        self.rows.add(t.note_search, search_rows(note))
        self.rows.add(t.note_addenda, addendum_rows(note))
        if self.rng.random() < 0.02:
            self.rows.add(
                t.psychotherapy_notes,
                [
                    {
                        "id": self.uid(),
                        "case_id": case.id,
                        "appointment_id": a.id,
                        "author_id": author,
                        "body": "Process notes.",
                        "created_at": at,
                        "updated_at": at,
                        "version": 0,
                    }
                ],
            )
        return note.status.signed
