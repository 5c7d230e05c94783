"""Use cases of notes: start, save a draft, sign, co-sign or return, resubmit, addenda and
"entered in error". Each checks the access policy on the case, changes the note through its
own methods and commits through the bus (which audits every change from its event)."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from uuid import UUID

from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case
from core.domain.cases.supervision import effective_supervisor
from core.domain.documentation.notes import DraftConflict, Note
from core.domain.documentation.templates import BUILT_IN_BY_ID, FREE_TEXT, NoteTemplate
from core.domain.scheduling.appointments import Appointment
from core.domain.shared.errors import ConcurrencyConflict, NotFound
from core.domain.shared.values import PersonId, StaffId
from core.ports import UnitOfWork
from core.services.cases.changes import load_case, on_behalf_for
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, staff_actor


class StartNote(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    template_id: UUID | None = None  # None: free text


class SaveDraft(Command, frozen=True, kw_only=True):
    note_id: UUID
    version: int  # the version this tab loaded: a save from a stale tab is a conflict
    sections: dict[str, str] = {}
    private: dict[PersonId, str] = {}


class NoteStep(Command, frozen=True, kw_only=True):
    """Sign, co-sign or resubmit: `version` as shown, so that of two clicks one acts."""

    note_id: UUID
    version: int


class ReturnNote(NoteStep, frozen=True, kw_only=True):
    comment: str = ""


class AddAddendum(Command, frozen=True, kw_only=True):
    note_id: UUID
    text: str = ""


class MarkNoteEnteredInError(Command, frozen=True, kw_only=True):
    note_id: UUID
    reason: str = ""


async def load_appointment(uow: UnitOfWork, appointment_id: UUID) -> Appointment:
    appointment = await uow.appointments.get(appointment_id)
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


async def template_for(uow: UnitOfWork, template_id: UUID | None) -> NoteTemplate:
    if template_id is None:
        return FREE_TEXT
    found = BUILT_IN_BY_ID.get(template_id) or await uow.note_templates.get(template_id)
    if found is None or not found.active:
        raise NotFound("No such note template.")
    return found


async def start_note(deps: SchedulingDeps, actor: Actor, cmd: StartNote) -> Note:
    """The appointment's note: started now from the template, or the one it has already (a
    double click, a second tab: still one note)."""
    me = staff_actor(actor)
    async with deps.uow() as uow:
        appointment = await load_appointment(uow, cmd.appointment_id)
        case = await load_case(uow, appointment.case_id)
        require(actor, case, deps.clock.today(), Permission.WRITE_CLINICAL)
        existing = await uow.notes.for_appointment(appointment.id)
        if existing is not None:
            return existing
        template = await template_for(uow, cmd.template_id)
        expected = [m.person_id for m in appointment.expected(case, deps.tz)]
        note = Note.start(
            case,
            appointment,
            expected,
            template,
            id=deps.ids.new(),
            author=me.id,
            now=deps.clock.now(),
        )
        await uow.notes.add(note)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
    return note


NoteChange = Callable[[Note, Case, Appointment, UnitOfWork], Awaitable[None]]


async def _change(
    deps: SchedulingDeps,
    actor: Actor,
    note_id: UUID,
    permission: Permission,
    change: NoteChange,
    version: int | None = None,
    supervisor_may: bool = False,
) -> Note:
    """Load the note, its case and appointment; check `permission` on the case (or that the
    actor supervises this note, when `supervisor_may`); change; commit."""
    me = staff_actor(actor)
    async with deps.uow() as uow:
        note = await uow.notes.get(note_id)
        if note is None:
            raise NotFound("No such note.")
        case = await load_case(uow, note.case_id)
        appointment = await load_appointment(uow, note.appointment_id)
        # The supervisor of one session (an appointment's override) may hold no duty on the
        # case: being the note's co-signer is what lets them act on it.
        if not (supervisor_may and note.supervisor_id == me.id):
            require(actor, case, deps.clock.today(), permission)
        if version is not None and version != note.version:
            raise ConcurrencyConflict("This note")
        await change(note, case, appointment, uow)
        await uow.notes.update(note)
        await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
    return note


async def save_draft(deps: SchedulingDeps, actor: Actor, cmd: SaveDraft) -> Note:
    me = staff_actor(actor)
    async with deps.uow() as uow:
        note = await uow.notes.get(cmd.note_id)
        if note is None:
            raise NotFound("No such note.")
        case = await load_case(uow, note.case_id)
        require(actor, case, deps.clock.today(), Permission.WRITE_CLINICAL)
        if note.is_draft and cmd.version != note.version:
            raise DraftConflict(note, cmd.sections, cmd.private)
        note.save_draft(me.id, cmd.sections, cmd.private, deps.clock.now())
        try:
            await uow.notes.update(note)
            await commit(deps, uow, actor, on_behalf_of=on_behalf_for(deps, actor, case))
        except ConcurrencyConflict:
            async with deps.uow() as fresh:
                theirs = await fresh.notes.get(cmd.note_id)
            if theirs is None or not theirs.is_draft:
                raise
            raise DraftConflict(theirs, cmd.sections, cmd.private) from None
    return note


class SignNote(SaveDraft, frozen=True, kw_only=True):
    """Sign what the author sees: with `sections` / `private`, the text on screen, saved in
    the same transaction first. A tab whose autosave of that very text landed a moment
    earlier still signs (nothing would change); a tab with other text than the stored draft
    and an older version gets the draft conflict, and nothing is signed."""


async def sign_note(deps: SchedulingDeps, actor: Actor, cmd: NoteStep | SignNote) -> Note:
    me = staff_actor(actor)
    content = cmd if isinstance(cmd, SignNote) and (cmd.sections or cmd.private) else None

    async def sign(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        if content is not None and note.is_draft:
            typed = copy.deepcopy(note)
            typed.save_draft(me.id, content.sections, content.private, deps.clock.now())
            if (typed.sections, typed.private) != (note.sections, note.private):
                if content.version != note.version:
                    raise DraftConflict(note, content.sections, content.private)
                note.save_draft(me.id, content.sections, content.private, deps.clock.now())
        author = await uow.staff.get(me.id)
        supervisor: StaffId | None = None
        if author is not None:
            supervisor = effective_supervisor(
                case, author, appointment.local_day(deps.tz), appointment.supervisor_override
            )
        note.sign(me.id, deps.clock.now(), supervisor)

    if content is None:
        return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, sign, cmd.version)
    # With the text on screen the version is checked against what changes (above). The click
    # that signs also leaves the text field, whose autosave may commit while this runs: then
    # the note is read again once, and signed if that save stored this very text.
    try:
        return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, sign)
    except DraftConflict:
        raise
    except ConcurrencyConflict:
        return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, sign)


async def cosign_note(deps: SchedulingDeps, actor: Actor, cmd: NoteStep) -> Note:
    me = staff_actor(actor)

    async def cosign(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        note.cosign(me.id, deps.clock.now())

    return await _change(
        deps, actor, cmd.note_id, Permission.VIEW_CLINICAL, cosign, cmd.version, True
    )


async def return_note(deps: SchedulingDeps, actor: Actor, cmd: ReturnNote) -> Note:
    me = staff_actor(actor)

    async def back(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        note.return_to_author(me.id, deps.clock.now(), cmd.comment)

    return await _change(
        deps, actor, cmd.note_id, Permission.VIEW_CLINICAL, back, cmd.version, True
    )


async def resubmit_note(deps: SchedulingDeps, actor: Actor, cmd: NoteStep) -> Note:
    me = staff_actor(actor)

    async def again(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        note.resubmit(me.id, deps.clock.now())

    return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, again, cmd.version)


async def add_addendum(deps: SchedulingDeps, actor: Actor, cmd: AddAddendum) -> Note:
    me = staff_actor(actor)

    async def amend(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        note.add_addendum(deps.ids.new(), me.id, deps.clock.now(), cmd.text)

    return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, amend)


async def mark_note_entered_in_error(
    deps: SchedulingDeps, actor: Actor, cmd: MarkNoteEnteredInError
) -> Note:
    me = staff_actor(actor)

    async def strike(note: Note, case: Case, appointment: Appointment, uow: UnitOfWork) -> None:
        note.enter_in_error(me.id, deps.clock.now(), cmd.reason)

    return await _change(deps, actor, cmd.note_id, Permission.WRITE_CLINICAL, strike)
