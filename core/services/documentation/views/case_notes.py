"""A case's notes: the list (date, kind, status, author — no text), and one participant's
clinical timeline — every note of the case as that person's record shows it: the shared part
and only their own private section. One audit entry per note shown, as when each is opened."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor
from core.domain.documentation.note_access import require_read
from core.domain.documentation.note_events import NOTE
from core.domain.documentation.notes import ABSENT_LINE, NoteStatus
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, PersonId
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.audit import audit_record
from core.services.shared.use_case import View


class TimelinePart(View, frozen=True, kw_only=True):
    title: str
    text: str


class NoteRow(View, frozen=True, kw_only=True):
    note_id: UUID
    appointment_id: UUID
    start: datetime
    kind: str
    status: NoteStatus
    author: str
    # In a participant's timeline only: what their record shows of the note.
    parts: list[TimelinePart] = []
    own: str | None = None  # their private section (None: the note has none for them)
    absent: bool = False
    addenda: list[str] = []


class CaseNotes(View, frozen=True, kw_only=True):
    case_id: CaseId
    case_name: str
    members: list[tuple[PersonId, str]]
    person_id: PersonId | None
    person_name: str | None
    absent_line: str
    rows: list[NoteRow]


async def case_notes(
    deps: SchedulingDeps, actor: Actor, case_id: CaseId, person_id: PersonId | None = None
) -> CaseNotes:
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require_read(actor, case, today)
        if person_id is not None and not case.ever_member(person_id):
            raise NotFound("No such participant.")
        notes = await uow.notes.for_case(case.id)
        appointments = await uow.appointments.get_many({n.appointment_id for n in notes})
        staff = {s.id: s for s in await uow.staff.list_all()}  # the cached directory: names
        members = {m.person_id for m in case.memberships}
        people = await uow.people.get_many(members)
    rows: list[NoteRow] = []
    for note in notes:
        held = appointments.get(note.appointment_id)
        start = held.start if held is not None else note.created_at
        row = NoteRow(
            note_id=note.id,
            appointment_id=note.appointment_id,
            start=start,
            kind=note.kind.label,
            status=note.status,
            author=staff[note.author_id].name if note.author_id in staff else "",
        )
        if person_id is not None:
            mine = note.for_person(person_id)
            own = mine.private[0] if mine.private else None
            row = msgspec.structs.replace(
                row,
                parts=[TimelinePart(title=s.title, text=s.text) for s in mine.sections],
                own=own.text if own is not None else None,
                absent=own.absent if own is not None else False,
                addenda=[a.text for a in mine.addenda],
            )
        rows.append(row)
    if person_id is not None:  # the timeline shows every note's text: one entry for each
        await deps.audit.record_many(
            [
                audit_record(deps, actor, AuditAction.READ, NOTE, r.note_id, case_id=case.id)
                for r in rows
            ]
        )
    await deps.audit.record(
        audit_record(deps, actor, AuditAction.READ, "case_notes", case.id, case_id=case.id)
    )
    names = {pid: p.display_name for pid, p in people.items()}
    return CaseNotes(
        case_id=case.id,
        case_name=case.name,
        members=sorted(names.items(), key=lambda kv: kv[1].casefold()),
        person_id=person_id,
        person_name=names.get(person_id) if person_id else None,
        absent_line=ABSENT_LINE,
        rows=rows,
    )
