"""Notes: one per appointment, written by its provider. A shared session (couple, family, group,
consultation group, workshop) gets ONE note: the shared part and a private section per expected
participant — what concerns that person only. A participant's record shows the shared part and
their own section, never another member's (`Note.for_person`).

A note is a draft until its author signs it; signing records who, when and the SHA-256 of its
canonical content, and from then on its content never changes: corrections are dated addenda, a
mistake is struck through ("entered in error") and kept. An associate's signed note waits for the
supervisor effective for its appointment, who co-signs it or returns it with a comment; the
associate answers with an addendum and signs again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from core.domain.cases.case import Case
from core.domain.cases.kinds import KindPolicy, ServiceLine
from core.domain.documentation.note_events import (
    NoteAddendumAdded,
    NoteCosigned,
    NoteDraftSaved,
    NoteEnteredInError,
    NoteResubmitted,
    NoteReturned,
    NoteSigned,
    NoteStarted,
)
from core.domain.documentation.signatures import Signature, SignatureRole, digest
from core.domain.documentation.templates import FREE_TEXT, NoteTemplate
from core.domain.scheduling.appointments import Appointment, AppointmentStatus, Attendance
from core.domain.shared.errors import (
    ConcurrencyConflict,
    Forbidden,
    InvalidInput,
    InvariantViolation,
)
from core.domain.shared.events import EventLog
from core.domain.shared.values import CaseId, PersonId, StaffId

# The documented limit of one note's text (every section together): 200,000 characters is
# about 60 pages; beyond it the save is refused with a message, never cut.
MAX_NOTE_CHARS = 200_000
MAX_SHORT_NOTE_CHARS = 2_000  # a cancellation or no-show note is a line or two
MAX_ADDENDUM_CHARS = 20_000
MAX_REASON = 500
ABSENT_LINE = "Absent."

# Characters a browser can paste that are no text: control characters other than tab and
# line break (those are kept: the note page shows the text as typed).
_CONTROL = {c: None for c in range(32) if c not in (9, 10)} | {127: None}


def clean_note_text(value: str) -> str:
    """Text as typed, with line breaks kept (\\r\\n and \\r become \\n) and stray control
    characters removed. HTML stays text: the web tier escapes it on display."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL).strip("\n ")


class NoteKind(StrEnum):
    PROGRESS = "progress_note"
    CONSULTATION = "consultation_note"
    SESSION = "session_note"
    CANCELLATION = "cancellation_note"
    NO_SHOW = "no_show_note"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def short(self) -> bool:
        return self in (NoteKind.CANCELLATION, NoteKind.NO_SHOW)


# The kind of note a held session gets follows the case kind's service line (DOMAIN.md
# "Documentation"): the policy table says the line, this says its note.
_BY_LINE = {
    ServiceLine.PSYCHOTHERAPY: NoteKind.PROGRESS,
    ServiceLine.CONSULTATION: NoteKind.CONSULTATION,
    ServiceLine.WORKSHOP: NoteKind.SESSION,
}


def note_kind_for(policy: KindPolicy, status: AppointmentStatus) -> NoteKind:
    if status in (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED):
        return NoteKind.CANCELLATION
    if status is AppointmentStatus.NO_SHOW:
        return NoteKind.NO_SHOW
    return _BY_LINE[policy.service_line]


def is_shared_session(policy: KindPolicy) -> bool:
    """Kinds whose sessions can have more than one participant get private sections."""
    return policy.max_active is None or policy.max_active > 1


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    AWAITING_COSIGNATURE = "awaiting_cosignature"
    RETURNED = "returned"
    COSIGNED = "cosigned"
    ENTERED_IN_ERROR = "entered_in_error"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def signed(self) -> bool:
        return self is not NoteStatus.DRAFT


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    hint: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class PrivateSection:
    """What concerns one participant. An expected member who did not attend gets the one-line
    "absent" entry instead of a section to write in."""

    person_id: PersonId
    text: str = ""
    absent: bool = False


@dataclass(frozen=True, slots=True)
class Addendum:
    id: UUID
    by: StaffId
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Return:
    by: StaffId
    at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class EnteredInError:
    reason: str  # clinical: shown on the note, never in the audit log
    by: StaffId
    at: datetime


@dataclass(slots=True)
class Note:
    id: UUID
    case_id: CaseId
    appointment_id: UUID
    author_id: StaffId
    kind: NoteKind
    template_name: str
    sections: tuple[Section, ...]
    private: tuple[PrivateSection, ...]
    created_at: datetime
    updated_at: datetime
    status: NoteStatus = NoteStatus.DRAFT
    supervisor_id: StaffId | None = None  # who co-signs, fixed when the author signs
    signature: Signature | None = None  # the author's latest
    cosignature: Signature | None = None
    returned: Return | None = None  # the latest return, answered or not
    addenda: tuple[Addendum, ...] = ()
    entered_in_error: EnteredInError | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    # ----- starting ------------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        case: Case,
        appointment: Appointment,
        expected: Sequence[PersonId],
        template: NoteTemplate,
        *,
        id: UUID,
        author: StaffId,
        now: datetime,
    ) -> Note:
        """A draft for `appointment` of `case` from `template` (a cancellation or no-show note
        is always one short free-text section). `expected`: the members expected at it."""
        if appointment.case_id != case.id:
            raise InvariantViolation("This appointment belongs to another case.")
        if author not in appointment.providers:
            raise Forbidden("The note of a session is written by one of its providers.")
        kind = note_kind_for(case.policy, appointment.status)
        if kind.short:
            template = FREE_TEXT
        private: tuple[PrivateSection, ...] = ()
        if is_shared_session(case.policy) and not kind.short:
            marks = appointment.attendance
            private = tuple(
                PrivateSection(p, absent=p in marks and marks[p] is not Attendance.ATTENDED)
                for p in expected
            )
        note = cls(
            id=id,
            case_id=case.id,
            appointment_id=appointment.id,
            author_id=author,
            kind=kind,
            template_name=template.name,
            sections=tuple(Section(s.title, s.hint) for s in template.sections),
            private=private,
            created_at=now,
            updated_at=now,
        )
        note.events.record(NoteStarted(case_id=case.id, note_id=id, appointment_id=appointment.id))
        return note

    # ----- drafting ------------------------------------------------------------------------------

    @property
    def is_draft(self) -> bool:
        return self.status is NoteStatus.DRAFT

    def _require_draft(self) -> None:
        if not self.is_draft:
            raise InvariantViolation(
                "This note is signed: it can no longer change. Add an addendum instead."
            )

    def save_draft(
        self,
        by: StaffId,
        sections: Mapping[str, str],
        private: Mapping[PersonId, str],
        now: datetime,
    ) -> None:
        """Replace the draft's text: `sections` by title, `private` by participant (sections
        and participants not named keep their text; unknown ones are refused)."""
        self._require_draft()
        if by != self.author_id:
            raise Forbidden("Only the author of a draft edits it.")
        titles = {s.title for s in self.sections}
        if unknown := set(sections) - titles:
            raise InvalidInput(f"This note has no section '{sorted(unknown)[0][:80]}'.")
        writable = {p.person_id for p in self.private if not p.absent}
        if set(private) - writable:
            raise InvalidInput("This note has no private section for that participant.")
        new_sections = tuple(
            replace(s, text=clean_note_text(sections[s.title])) if s.title in sections else s
            for s in self.sections
        )
        new_private = tuple(
            replace(p, text=clean_note_text(private[p.person_id])) if p.person_id in private else p
            for p in self.private
        )
        limit = MAX_SHORT_NOTE_CHARS if self.kind.short else MAX_NOTE_CHARS
        length = sum(len(s.text) for s in new_sections) + sum(len(p.text) for p in new_private)
        if length > limit:
            raise InvalidInput(
                f"A {self.kind.label} holds at most {limit:,} characters; this one has "
                f"{length:,}. Nothing was cut: shorten it, or continue in an addendum after "
                "signing.",
                field="text",
            )
        self.sections, self.private, self.updated_at = new_sections, new_private, now
        self.events.record(NoteDraftSaved(case_id=self.case_id, note_id=self.id))

    @property
    def text_length(self) -> int:
        return sum(len(s.text) for s in self.sections) + sum(len(p.text) for p in self.private)

    # ----- signing -------------------------------------------------------------------------------

    def content(self, addenda: int = 0) -> dict[str, Any]:
        """What a signature covers: the text of every part, and the first `addenda` addenda."""
        return {
            "note": str(self.id),
            "appointment": str(self.appointment_id),
            "kind": self.kind.value,
            "template": self.template_name,
            "sections": [[s.title, s.text] for s in self.sections],
            "private": [
                [str(p.person_id), p.absent, p.text]
                for p in sorted(self.private, key=lambda p: str(p.person_id))
            ],
            "addenda": [
                [str(a.id), str(a.by), a.at.isoformat(), a.text] for a in self.addenda[:addenda]
            ],
        }

    def verifies(self, signature: Signature | None) -> bool:
        """Whether the content shown is the content `signature` signed."""
        return signature is not None and digest(self.content(signature.addenda)) == (
            signature.sha256
        )

    def _signature(self, role: SignatureRole, by: StaffId, at: datetime) -> Signature:
        n = len(self.addenda)
        return Signature(role, by, at, digest(self.content(n)), n)

    def sign(self, by: StaffId, at: datetime, supervisor: StaffId | None) -> None:
        """The author signs; with a `supervisor` (an associate's work) it then awaits them."""
        self._require_draft()
        if by != self.author_id:
            raise Forbidden("Only the author of a note signs it.")
        if self.text_length == 0:
            raise InvalidInput("This note is empty: write something before signing it.")
        self.signature = self._signature(SignatureRole.AUTHOR, by, at)
        self.supervisor_id = supervisor if supervisor != by else None
        self.status = NoteStatus.AWAITING_COSIGNATURE if self.supervisor_id else NoteStatus.SIGNED
        self.updated_at = at
        self.events.record(
            NoteSigned(
                case_id=self.case_id,
                note_id=self.id,
                appointment_id=self.appointment_id,
                sha256=self.signature.sha256,
                supervisor_id=self.supervisor_id,
            )
        )

    def _require_reviewer(self, by: StaffId, doing: str) -> None:
        if self.status is not NoteStatus.AWAITING_COSIGNATURE:
            raise InvariantViolation(f"This note is {self.status.label}: it cannot be {doing}.")
        if by != self.supervisor_id:
            raise Forbidden(f"Only the supervisor of this session can have it {doing}.")

    def cosign(self, by: StaffId, at: datetime) -> None:
        self._require_reviewer(by, "co-signed")
        self.cosignature = self._signature(SignatureRole.COSIGNER, by, at)
        self.status, self.updated_at = NoteStatus.COSIGNED, at
        self.events.record(NoteCosigned(case_id=self.case_id, note_id=self.id))

    def return_to_author(self, by: StaffId, at: datetime, comment: str) -> None:
        self._require_reviewer(by, "returned")
        text = clean_note_text(comment)
        if not text:
            raise InvalidInput("Say what the author should change.", field="comment")
        if len(text) > MAX_REASON * 4:
            raise InvalidInput(
                f"A comment has at most {MAX_REASON * 4} characters.", field="comment"
            )
        self.returned = Return(by, at, text)
        self.status, self.updated_at = NoteStatus.RETURNED, at
        self.events.record(NoteReturned(case_id=self.case_id, note_id=self.id))

    def resubmit(self, by: StaffId, at: datetime) -> None:
        """The author signs again after a return, once an addendum answers it."""
        if self.status is not NoteStatus.RETURNED or self.returned is None:
            raise InvariantViolation("Only a returned note is signed again for co-signature.")
        if by != self.author_id:
            raise Forbidden("Only the author of a note signs it.")
        if not any(a.by == by and a.at >= self.returned.at for a in self.addenda):
            raise InvalidInput(
                "Add an addendum that answers the supervisor's comment before signing again."
            )
        self.signature = self._signature(SignatureRole.AUTHOR, by, at)
        self.status, self.updated_at = NoteStatus.AWAITING_COSIGNATURE, at
        self.events.record(NoteResubmitted(case_id=self.case_id, note_id=self.id))

    # ----- after signing -------------------------------------------------------------------------

    def add_addendum(self, id: UUID, by: StaffId, at: datetime, text: str) -> Addendum:
        """A dated correction or addition under a signed note (the caller checks that `by` is
        a clinician of the case)."""
        if self.is_draft:
            raise InvariantViolation("A draft is edited, not amended: sign it first.")
        if self.status is NoteStatus.ENTERED_IN_ERROR:
            raise InvariantViolation("This note was entered in error.")
        cleaned = clean_note_text(text)
        if not cleaned:
            raise InvalidInput("The addendum is empty.", field="text")
        if len(cleaned) > MAX_ADDENDUM_CHARS:
            raise InvalidInput(
                f"An addendum holds at most {MAX_ADDENDUM_CHARS:,} characters; this one has "
                f"{len(cleaned):,}.",
                field="text",
            )
        addendum = Addendum(id, by, at, cleaned)
        self.addenda = (*self.addenda, addendum)
        self.updated_at = at
        self.events.record(NoteAddendumAdded(case_id=self.case_id, note_id=self.id, addendum_id=id))
        return addendum

    def enter_in_error(self, by: StaffId, at: datetime, reason: str) -> None:
        if self.status is NoteStatus.ENTERED_IN_ERROR:
            raise InvariantViolation("This note is already marked as entered in error.")
        why = clean_note_text(reason)
        if not why:
            raise InvalidInput("Say why this note was entered in error.", field="reason")
        if len(why) > MAX_REASON:
            raise InvalidInput(f"A reason has at most {MAX_REASON} characters.", field="reason")
        self.entered_in_error = EnteredInError(why, by, at)
        self.status, self.updated_at = NoteStatus.ENTERED_IN_ERROR, at
        self.events.record(NoteEnteredInError(case_id=self.case_id, note_id=self.id))

    # ----- what a participant's record shows ------------------------------------------------------

    def for_person(self, person_id: PersonId) -> Note:
        """This note as one participant's record shows it: the shared part and only their own
        private section. Nobody else's section is in the copy at all."""
        return replace(
            self,
            private=tuple(p for p in self.private if p.person_id == person_id),
        )


class DraftConflict(ConcurrencyConflict):
    """A draft saved from a stale tab: the stored draft (`theirs`) changed since this tab
    loaded it. Nothing is overwritten; the screen shows both versions."""

    code = "draft_conflict"

    def __init__(
        self, theirs: Note, mine: Mapping[str, str], mine_private: Mapping[PersonId, str]
    ) -> None:
        super().__init__("This draft")
        self.message = (
            "This draft was saved from another tab or window meanwhile. Both versions are "
            "shown: keep what you need, then save again."
        )
        self.theirs = theirs
        self.mine = dict(mine)
        self.mine_private = dict(mine_private)
