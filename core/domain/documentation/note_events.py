"""Events of notes. They carry ids and the hash, never any clinical text."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.domain.shared.audit import AuditAction
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, StaffId

NOTE = "note"
PSYCHOTHERAPY_NOTE = "psychotherapy_note"


@dataclass(frozen=True, kw_only=True)
class NoteEvent(DomainEvent):
    case_id: CaseId
    note_id: UUID


@dataclass(frozen=True, kw_only=True)
class NoteStarted(NoteEvent):
    audited = (AuditAction.CREATE, NOTE, "note_id")
    appointment_id: UUID


@dataclass(frozen=True, kw_only=True)
class NoteDraftSaved(NoteEvent):
    audited = (AuditAction.CHANGE, NOTE, "note_id")


@dataclass(frozen=True, kw_only=True)
class NoteSigned(NoteEvent):
    audited = (AuditAction.SIGN, NOTE, "note_id")
    appointment_id: UUID
    sha256: str
    supervisor_id: StaffId | None


@dataclass(frozen=True, kw_only=True)
class NoteCosigned(NoteEvent):
    audited = (AuditAction.COSIGN, NOTE, "note_id")


@dataclass(frozen=True, kw_only=True)
class NoteReturned(NoteEvent):
    audited = (AuditAction.RETURN, NOTE, "note_id")


@dataclass(frozen=True, kw_only=True)
class NoteResubmitted(NoteEvent):
    audited = (AuditAction.SIGN, NOTE, "note_id")


@dataclass(frozen=True, kw_only=True)
class NoteAddendumAdded(NoteEvent):
    audited = (AuditAction.CHANGE, NOTE, "note_id")
    addendum_id: UUID


@dataclass(frozen=True, kw_only=True)
class NoteEnteredInError(NoteEvent):
    audited = (AuditAction.ENTERED_IN_ERROR, NOTE, "note_id")


@dataclass(frozen=True, kw_only=True)
class PsychotherapyNoteSaved(DomainEvent):
    # Its own action: the owner's audit screen can list every touch of process notes apart.
    audited = (AuditAction.PSYCHOTHERAPY_NOTE, PSYCHOTHERAPY_NOTE, "psychotherapy_note_id")
    case_id: CaseId
    psychotherapy_note_id: UUID
