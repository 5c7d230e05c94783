"""What notes need to keep: notes with their addenda, the practice's templates, psychotherapy
notes (a store of their own), the search index and the "needs attention" lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

import msgspec

from core.domain.cases.access import StaffScope
from core.domain.documentation.notes import Note, NoteStatus
from core.domain.documentation.psychotherapy_notes import PsychotherapyNote
from core.domain.documentation.templates import NoteTemplate
from core.domain.shared.values import CaseId, PersonId, StaffId


class NoteState(msgspec.Struct, frozen=True, kw_only=True):
    """That a note exists, its status and dates: what anyone who sees the schedule may know
    (billing waits for it), loaded without the note's text."""

    note_id: UUID
    appointment_id: UUID
    status: NoteStatus
    author_id: StaffId
    updated_at: datetime
    signed_at: datetime | None


class NoteScope(msgspec.Struct, frozen=True, kw_only=True):
    """The notes a staff member may read, as rules a store applies in its query: notes of the
    cases one of `cases` matches (None: every case), the notes they author or co-sign, and
    those of sessions they supervise (an appointment's override)."""

    staff_id: StaffId
    cases: tuple[StaffScope, ...] | None
    today: date


class NoteHit(msgspec.Struct, frozen=True, kw_only=True):
    note_id: UUID
    case_id: CaseId
    appointment_id: UUID
    person_id: PersonId | None  # the private section that matched; None: the shared part


class SessionRow(msgspec.Struct, frozen=True, kw_only=True):
    """A held session, or a note of one, in a "needs attention" list."""

    appointment_id: UUID
    case_id: CaseId
    case_name: str
    start: datetime
    note_id: UUID | None = None
    at: datetime | None = None  # the note's last change (a draft's, a return's)
    staff_id: StaffId | None = None  # whose it is (the author, for a supervisor's list)


class ClinicianTotals(msgspec.Struct, frozen=True, kw_only=True):
    staff_id: StaffId
    without_signed_note: int
    awaiting_cosignature: int
    returned: int


class CaseOpenCounts(msgspec.Struct, frozen=True, kw_only=True):
    """What is open in one case's documentation, for the case page's head: counts only."""

    without_signed_note: int  # held (completed) sessions without a signed note
    plans_due: int  # plans in force past their review date


class NoteRepository(Protocol):
    async def get(self, note_id: UUID) -> Note | None: ...
    async def for_appointment(self, appointment_id: UUID) -> Note | None: ...
    async def for_case(self, case_id: CaseId) -> list[Note]:
        """The case's notes, oldest session first."""
        ...

    async def states(self, appointment_ids: Iterable[UUID]) -> dict[UUID, NoteState]:
        """Each appointment's note state (by appointment id), without any text."""
        ...

    async def add(self, note: Note) -> None:
        """A new note; `InvalidInput` if its appointment has one already."""
        ...

    async def update(self, note: Note) -> None:
        """Store a change; `ConcurrencyConflict` when the note changed since it was read. A
        signed note's content is never written again (new addenda are added)."""
        ...

    async def search(
        self,
        scope: NoteScope,
        text: str,
        *,
        case_id: CaseId | None = None,
        person_id: PersonId | None = None,
        limit: int = 50,
    ) -> list[NoteHit]:
        """Notes within `scope` whose text holds every word of `text`, newest first. With
        `person_id`: only the shared parts and that person's own private sections are
        searched (a participant's record), never another member's."""
        ...


class NoteTemplateRepository(Protocol):
    async def get(self, template_id: UUID) -> NoteTemplate | None: ...
    async def list_all(self) -> list[NoteTemplate]:
        """The practice's own templates by name (the built-in ones are the core's)."""
        ...

    async def add(self, template: NoteTemplate) -> None: ...
    async def update(self, template: NoteTemplate) -> None: ...


class PsychotherapyNoteRepository(Protocol):
    async def get(self, psychotherapy_note_id: UUID) -> PsychotherapyNote | None: ...
    async def of_author(
        self, appointment_id: UUID, author_id: StaffId
    ) -> PsychotherapyNote | None: ...
    async def add(self, note: PsychotherapyNote) -> None: ...
    async def update(self, note: PsychotherapyNote) -> None: ...


class NoteAttention(Protocol):
    """The lists of the "needs attention" screen: ONE query each."""

    async def without_signed_note(
        self, provider_id: StaffId, before: datetime, limit: int
    ) -> list[SessionRow]:
        """Completed sessions of `provider_id` (first provider) that started before `before`
        and have no signed note, oldest first."""
        ...

    async def drafts(
        self, author_id: StaffId, older_than: datetime, limit: int
    ) -> list[SessionRow]:
        """Drafts of `author_id` last changed before `older_than`, oldest first."""
        ...

    async def returned(self, author_id: StaffId, limit: int) -> list[SessionRow]: ...
    async def awaiting(self, supervisor_id: StaffId, limit: int) -> list[SessionRow]:
        """Notes awaiting `supervisor_id`'s co-signature, oldest signature first."""
        ...

    async def totals(self, before: datetime) -> list[ClinicianTotals]:
        """Per clinician with anything open: the practice's totals (one query)."""
        ...

    async def case_open(
        self, case_id: CaseId, staff_id: StaffId, before: datetime, today: date
    ) -> CaseOpenCounts | None:
        """The case's sessions held before `before` without a signed note and its plans in
        force past their review date (an open case's, of its current participants) — None
        unless `staff_id` treats the case on `today`: the policy is in the one query."""
        ...


class NotesStore(Protocol):
    @property
    def notes(self) -> NoteRepository: ...
    @property
    def note_templates(self) -> NoteTemplateRepository: ...
    @property
    def psychotherapy_notes(self) -> PsychotherapyNoteRepository: ...
    @property
    def note_attention(self) -> NoteAttention: ...
