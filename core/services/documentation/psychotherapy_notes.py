"""Psychotherapy notes: written and read by their author only. Anyone else — a supervisor, the
owner whatever the settings, an administrator — is told there is none; every touch is audited
with the action of its own (`AuditAction.PSYCHOTHERAPY_NOTE`)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from core.domain.cases.access import Actor, Permission, require
from core.domain.documentation.note_events import PSYCHOTHERAPY_NOTE
from core.domain.documentation.psychotherapy_notes import PsychotherapyNote
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import ConcurrencyConflict, NotFound
from core.services.cases.changes import load_case
from core.services.documentation.notes import load_appointment
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.audit import audit_record
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, View, staff_actor


class PsychotherapyNoteView(View, frozen=True, kw_only=True):
    id: UUID
    appointment_id: UUID
    text: str
    version: int
    updated_at: datetime


class SavePsychotherapyNote(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    text: str = ""
    version: int | None = None  # None: a new one


def _view(note: PsychotherapyNote) -> PsychotherapyNoteView:
    return PsychotherapyNoteView(
        id=note.id,
        appointment_id=note.appointment_id,
        text=note.text,
        version=note.version,
        updated_at=note.updated_at,
    )


async def psychotherapy_note(
    deps: SchedulingDeps, actor: Actor, appointment_id: UUID
) -> PsychotherapyNoteView | None:
    """The actor's own psychotherapy note of this session, if they wrote one (audited)."""
    me = staff_actor(actor)
    async with deps.uow() as uow:
        appointment = await load_appointment(uow, appointment_id)
        if me.id not in appointment.providers:  # only a provider of the session can have one
            raise NotFound("No such psychotherapy note.")
        note = await uow.psychotherapy_notes.of_author(appointment_id, me.id)
    if note is None:
        return None
    await deps.audit.record(
        audit_record(
            deps,
            actor,
            AuditAction.PSYCHOTHERAPY_NOTE,
            PSYCHOTHERAPY_NOTE,
            note.id,
            case_id=note.case_id,
        )
    )
    return _view(note)


async def psychotherapy_note_by_id(
    deps: SchedulingDeps, actor: Actor, psychotherapy_note_id: UUID
) -> PsychotherapyNoteView:
    """By id (a link): its author only; anyone else gets NotFound, as if there were none."""
    me = staff_actor(actor)
    async with deps.uow() as uow:
        note = await uow.psychotherapy_notes.get(psychotherapy_note_id)
    if note is None:
        raise NotFound("No such psychotherapy note.")
    note.require_author(me.id)
    await deps.audit.record(
        audit_record(
            deps,
            actor,
            AuditAction.PSYCHOTHERAPY_NOTE,
            PSYCHOTHERAPY_NOTE,
            note.id,
            case_id=note.case_id,
        )
    )
    return _view(note)


async def save_psychotherapy_note(
    deps: SchedulingDeps, actor: Actor, cmd: SavePsychotherapyNote
) -> PsychotherapyNoteView:
    """Write the actor's own process note of a session they provided."""
    me = staff_actor(actor)
    async with deps.uow() as uow:
        appointment = await load_appointment(uow, cmd.appointment_id)
        case = await load_case(uow, appointment.case_id)
        require(actor, case, deps.clock.today(), Permission.WRITE_CLINICAL)
        if me.id not in appointment.providers:
            raise NotFound("No such appointment.")
        note = await uow.psychotherapy_notes.of_author(appointment.id, me.id)
        if note is None:
            note = PsychotherapyNote.write(
                id=deps.ids.new(),
                case_id=case.id,
                appointment_id=appointment.id,
                author=me.id,
                now=deps.clock.now(),
            )
            note.save(me.id, cmd.text, deps.clock.now())
            await uow.psychotherapy_notes.add(note)
        else:
            if cmd.version is not None and cmd.version != note.version:
                raise ConcurrencyConflict("This psychotherapy note")
            note.save(me.id, cmd.text, deps.clock.now())
            await uow.psychotherapy_notes.update(note)
        await commit(deps, uow, actor)
    return _view(note)
