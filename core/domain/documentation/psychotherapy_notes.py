"""Psychotherapy notes (HIPAA 45 CFR 164.501): a clinician's process notes about a session, kept
apart from the record. Optional, one per appointment and author, readable by its author only —
not a supervisor, not the owner (whatever the practice's settings), not an export or a search.
They hold no start/stop times, codes, diagnoses or progress summaries: those belong in the
progress note, which is why this is only text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from core.domain.documentation.note_events import PsychotherapyNoteSaved
from core.domain.documentation.notes import MAX_NOTE_CHARS, clean_note_text
from core.domain.shared.errors import InvalidInput, NotFound
from core.domain.shared.events import EventLog
from core.domain.shared.values import CaseId, StaffId


@dataclass(slots=True)
class PsychotherapyNote:
    id: UUID
    case_id: CaseId
    appointment_id: UUID
    author_id: StaffId
    text: str
    created_at: datetime
    updated_at: datetime
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @classmethod
    def write(
        cls, *, id: UUID, case_id: CaseId, appointment_id: UUID, author: StaffId, now: datetime
    ) -> PsychotherapyNote:
        return cls(id, case_id, appointment_id, author, "", now, now)

    def require_author(self, who: StaffId) -> None:
        """Anyone else is told there is none: its existence is the author's too."""
        if who != self.author_id:
            raise NotFound("No such psychotherapy note.")

    def save(self, by: StaffId, text: str, now: datetime) -> None:
        self.require_author(by)
        cleaned = clean_note_text(text)
        if len(cleaned) > MAX_NOTE_CHARS:
            raise InvalidInput(
                f"A psychotherapy note holds at most {MAX_NOTE_CHARS:,} characters.", field="text"
            )
        self.text, self.updated_at = cleaned, now
        self.events.record(
            PsychotherapyNoteSaved(case_id=self.case_id, psychotherapy_note_id=self.id)
        )
