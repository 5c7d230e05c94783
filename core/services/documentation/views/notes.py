"""Read models of notes: the note page (whole, or as one participant's record shows it), the
appointment page's note line (what an administrator may know too), and search. Every note
opened writes one audit entry; a screen an administrator sees never loads a note's text."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from core.domain.cases.access import Actor, Permission, StaffActor, case_permissions
from core.domain.documentation.note_access import (
    clinical_scope,
    may_read_notes,
    may_see_state,
    require_read,
)
from core.domain.documentation.note_events import NOTE
from core.domain.documentation.notes import (
    ABSENT_LINE,
    MAX_NOTE_CHARS,
    Note,
    NoteStatus,
)
from core.domain.documentation.signatures import Signature
from core.domain.documentation.templates import BUILT_IN, NoteTemplate
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput, NotFound
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.notes import NoteScope
from core.services.cases.changes import load_case
from core.services.documentation.notes import load_appointment
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.audit import audit_record
from core.services.shared.use_case import View, staff_actor


class SectionView(View, frozen=True, kw_only=True):
    title: str
    hint: str
    text: str


class PrivateView(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    absent: bool
    text: str


class AddendumView(View, frozen=True, kw_only=True):
    by: str
    at: datetime
    text: str


class SignatureView(View, frozen=True, kw_only=True):
    by: str
    at: datetime
    sha256: str
    verified: bool  # the content shown hashes to what was signed


class NoteView(View, frozen=True, kw_only=True):
    id: UUID
    version: int
    updated_at: datetime
    case_id: CaseId
    case_name: str
    appointment_id: UUID
    start: datetime
    kind: str
    template: str
    status: NoteStatus
    author: str
    supervisor: str | None
    sections: list[SectionView]
    private: list[PrivateView]
    addenda: list[AddendumView]
    signature: SignatureView | None
    cosignature: SignatureView | None
    returned_by: str | None
    returned_at: datetime | None
    return_comment: str | None
    error_reason: str | None
    error_at: datetime | None
    for_person: str | None  # the participant whose record this is (None: the whole note)
    max_chars: int
    absent_line: str
    can_edit: bool
    can_sign: bool
    can_review: bool  # co-sign or return
    can_amend: bool
    can_resubmit: bool
    can_strike: bool


def _signature(note: Note, s: Signature | None, names: dict[StaffId, str]) -> SignatureView | None:
    if s is None:
        return None
    return SignatureView(
        by=names.get(s.by, ""), at=s.at, sha256=s.sha256, verified=note.verifies(s)
    )


async def _audit(
    deps: SchedulingDeps, actor: Actor, action: AuditAction, what: str, note: Note
) -> None:
    await deps.audit.record(audit_record(deps, actor, action, what, note.id, case_id=note.case_id))


async def read_note(
    deps: SchedulingDeps, actor: Actor, note_id: UUID, person_id: PersonId | None = None
) -> NoteView:
    """The note for its clinical readers; with `person_id`, as that participant's record shows
    it (the shared part and their own private section only). One audit entry per opening."""
    me = staff_actor(actor)
    today = deps.clock.today()
    async with deps.uow() as uow:
        note = await uow.notes.get(note_id)
        if note is None:
            raise NotFound("No such note.")
        case = await load_case(uow, note.case_id)
        appointment = await load_appointment(uow, note.appointment_id)
        require_read(actor, case, today, (note.supervisor_id, appointment.supervisor_override))
        if person_id is not None:
            if not case.ever_member(person_id):
                raise NotFound("No such participant.")
            note = note.for_person(person_id)
        staff_ids = {note.author_id, note.supervisor_id, *(a.by for a in note.addenda)}
        staff_ids |= {s.by for s in (note.signature, note.cosignature) if s}
        staff_ids |= {note.returned.by} if note.returned else set()
        # Names from the process's staff directory (no statement): they are printed, not used.
        staff = {s.id: s for s in await uow.staff.list_all() if s.id in staff_ids}
        people = await uow.people.get_many({p.person_id for p in note.private})
    await _audit(deps, actor, AuditAction.READ, NOTE, note)
    names = {sid: s.name for sid, s in staff.items()}
    granted = case_permissions(actor, case, today)
    writes = Permission.WRITE_CLINICAL in granted
    whole = person_id is None
    return NoteView(
        id=note.id,
        version=note.version,
        updated_at=note.updated_at,
        case_id=case.id,
        case_name=case.name,
        appointment_id=note.appointment_id,
        start=appointment.start,
        kind=note.kind.label,
        template=note.template_name,
        status=note.status,
        author=names.get(note.author_id, ""),
        supervisor=names.get(note.supervisor_id) if note.supervisor_id else None,
        sections=[SectionView(title=s.title, hint=s.hint, text=s.text) for s in note.sections],
        private=[
            PrivateView(
                person_id=p.person_id,
                name=people[p.person_id].display_name if p.person_id in people else "",
                absent=p.absent,
                text=p.text,
            )
            for p in note.private
        ],
        addenda=[AddendumView(by=names.get(a.by, ""), at=a.at, text=a.text) for a in note.addenda],
        signature=_signature(note, note.signature, names) if whole else None,
        cosignature=_signature(note, note.cosignature, names) if whole else None,
        returned_by=names.get(note.returned.by) if note.returned else None,
        returned_at=note.returned.at if note.returned else None,
        return_comment=note.returned.comment if note.returned else None,
        error_reason=note.entered_in_error.reason if note.entered_in_error else None,
        error_at=note.entered_in_error.at if note.entered_in_error else None,
        for_person=people[person_id].display_name
        if person_id is not None and person_id in people
        else None,
        max_chars=MAX_NOTE_CHARS,
        absent_line=ABSENT_LINE,
        can_edit=whole and note.is_draft and note.author_id == me.id and writes,
        can_sign=whole and note.is_draft and note.author_id == me.id and writes,
        can_review=whole
        and note.status is NoteStatus.AWAITING_COSIGNATURE
        and note.supervisor_id == me.id,
        can_amend=whole
        and note.status.signed
        and note.status is not NoteStatus.ENTERED_IN_ERROR
        and writes,
        can_resubmit=whole and note.status is NoteStatus.RETURNED and note.author_id == me.id,
        can_strike=whole and note.status is not NoteStatus.ENTERED_IN_ERROR and writes,
    )


class AppointmentNote(View, frozen=True, kw_only=True):
    """The appointment page's note line: whether there is a note, its status and date, and
    what the actor may do — all an administrator learns of it."""

    appointment_id: UUID
    note_id: UUID | None
    status: NoteStatus | None
    updated_at: datetime | None
    signed_at: datetime | None
    may_read: bool
    may_write: bool  # start it (a provider of the session who writes clinical records)
    mine: bool  # the actor's own note: theirs to continue while it is a draft
    templates: list[tuple[UUID, str]]


async def appointment_note(
    deps: SchedulingDeps, actor: Actor, appointment_id: UUID
) -> AppointmentNote:
    today = deps.clock.today()
    async with deps.uow() as uow:
        appointment = await load_appointment(uow, appointment_id)
        case = await load_case(uow, appointment.case_id)
        if not may_see_state(actor, case, today):
            raise NotFound("No such appointment.")
        state = (await uow.notes.states([appointment_id])).get(appointment_id)
        own = await uow.note_templates.list_all()
    reads = may_read_notes(actor, case, today, (appointment.supervisor_override,))
    writes = (
        isinstance(actor, StaffActor)
        and Permission.WRITE_CLINICAL in case_permissions(actor, case, today)
        and actor.id in appointment.providers
    )
    mine = state is not None and isinstance(actor, StaffActor) and state.author_id == actor.id
    reads = reads or mine
    return AppointmentNote(
        appointment_id=appointment_id,
        note_id=state.note_id if state else None,
        status=state.status if state else None,
        updated_at=state.updated_at if state else None,
        signed_at=state.signed_at if state else None,
        may_read=reads,
        may_write=writes,
        mine=mine,
        templates=[(t.id, t.name) for t in templates(own)] if writes else [],
    )


def templates(own: list[NoteTemplate]) -> list[NoteTemplate]:
    return [*BUILT_IN, *(t for t in own if t.active)]


class NoteSearchHit(View, frozen=True, kw_only=True):
    note_id: UUID
    case_id: CaseId
    case_name: str
    start: datetime
    part: str  # "shared part", or the participant whose private section matched


MAX_QUERY = 200


async def search_notes(
    deps: SchedulingDeps,
    actor: Actor,
    text: str,
    *,
    case_id: CaseId | None = None,
    person_id: PersonId | None = None,
) -> list[NoteSearchHit]:
    """Notes the actor may read whose text holds every word of `text`: the access policy is
    part of the store's query. With `person_id` (a participant's record): that person's private
    sections and the shared parts only."""
    me = staff_actor(actor)
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"Search for at most {MAX_QUERY} characters.", field="q")
    today = deps.clock.today()
    scope = NoteScope(staff_id=me.id, cases=clinical_scope(me), today=today)
    async with deps.uow() as uow:
        if case_id is not None:
            case = await load_case(uow, case_id)
            require_read(actor, case, today)
        hits = await uow.notes.search(scope, text, case_id=case_id, person_id=person_id)
        cases = {c.id: c for c in await uow.cases.get_many({h.case_id for h in hits})}
        appointments = await uow.appointments.get_many({h.appointment_id for h in hits})
        people = await uow.people.get_many({h.person_id for h in hits if h.person_id})
    await deps.audit.record(
        audit_record(deps, actor, AuditAction.READ, "note_search", None, case_id=case_id)
    )
    return [
        NoteSearchHit(
            note_id=h.note_id,
            case_id=h.case_id,
            case_name=cases[h.case_id].name if h.case_id in cases else "",
            start=appointments[h.appointment_id].start,
            part=people[h.person_id].display_name if h.person_id in people else "shared part",
        )
        for h in hits
        if h.appointment_id in appointments
    ]
