"""In-memory stores of notes: the same rules as the SQL ones, including that a signed note's
content is never written again (what PostgreSQL's trigger refuses, this refuses too)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from adapters.persistence.memory.store import Repository, Table
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import StaffDuty
from core.domain.documentation.notes import Note, NoteStatus
from core.domain.documentation.plans import TreatmentPlan
from core.domain.documentation.psychotherapy_notes import PsychotherapyNote
from core.domain.documentation.templates import NoteTemplate
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.notes import (
    CaseOpenCounts,
    ClinicianTotals,
    NoteHit,
    NoteScope,
    NoteState,
    SessionRow,
)

NOTE_TABLES = (
    ("notes", "note"),
    ("note_templates", "note template"),
    ("psychotherapy_notes", "psychotherapy note"),
)
_SIGNED_BEFORE = (NoteStatus.DRAFT,)


def _content(note: Note) -> tuple[Any, ...]:
    return (note.kind, note.template_name, note.sections, note.private)


def _changed(stored: Note, note: Note) -> bool:
    """Whether `note` changes what `stored` signed (new addenda are no change)."""
    return _content(stored) != _content(note) or (
        note.addenda[: len(stored.addenda)] != stored.addenda
    )


def words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text.casefold()).split() if w]


def may_read(
    scope: NoteScope, note: Note, case: Case | None, appointment: Appointment | None
) -> bool:
    """The access policy of `NoteScope`, as the SQL stores apply it in their queries."""
    if scope.staff_id in (note.author_id, note.supervisor_id):
        return True
    if appointment is not None and appointment.supervisor_override == scope.staff_id:
        return True
    if scope.cases is None:
        return True
    return case is not None and any(s.matches(case, scope.today) for s in scope.cases)


class MemoryNoteRepository(Repository[Note]):
    def __init__(
        self, notes: Table[Note], cases: Table[Case], appointments: Table[Appointment]
    ) -> None:
        super().__init__(notes)
        self._cases = cases
        self._appointments = appointments

    async def for_appointment(self, appointment_id: UUID) -> Note | None:
        found = [n for n in self._t.visible() if n.appointment_id == appointment_id]
        return copy.deepcopy(found[0]) if found else None

    def _start(self, note: Note) -> datetime:
        appointment = self._appointments.get(note.appointment_id)
        return appointment.start if appointment else note.created_at

    async def for_case(self, case_id: CaseId) -> list[Note]:
        found = [copy.deepcopy(n) for n in self._t.visible() if n.case_id == case_id]
        return sorted(found, key=lambda n: (self._start(n), str(n.id)))

    async def states(self, appointment_ids: Iterable[UUID]) -> dict[UUID, NoteState]:
        wanted = set(appointment_ids)
        return {
            n.appointment_id: NoteState(
                note_id=n.id,
                appointment_id=n.appointment_id,
                status=n.status,
                author_id=n.author_id,
                updated_at=n.updated_at,
                signed_at=n.signature.at if n.signature else None,
            )
            for n in self._t.visible()
            if n.appointment_id in wanted
        }

    async def add(self, note: Note) -> None:
        if await self.for_appointment(note.appointment_id) is not None:
            raise InvalidInput("This session has a note already.")
        self._t.add(note)

    async def update(self, note: Note) -> None:
        stored = self._t.get(note.id)
        if stored is not None and stored.status not in _SIGNED_BEFORE and _changed(stored, note):
            raise InvariantViolation("A signed note's content cannot change.")
        self._t.update(note)

    def check(self) -> None:
        """At commit: one note per appointment, even from two units of work at once."""
        seen = [n.appointment_id for n in self._t.visible()]
        if len(seen) != len(set(seen)):
            raise InvalidInput("This session has a note already.")

    async def search(
        self,
        scope: NoteScope,
        text: str,
        *,
        case_id: CaseId | None = None,
        person_id: PersonId | None = None,
        limit: int = 50,
    ) -> list[NoteHit]:
        wanted = words(text)
        if not wanted:
            return []
        hits: list[tuple[datetime, NoteHit]] = []
        for note in self._t.visible():
            if case_id is not None and note.case_id != case_id:
                continue
            case, appointment = (
                self._cases.get(note.case_id),
                self._appointments.get(note.appointment_id),
            )
            if not may_read(scope, note, case, appointment):
                continue
            parts: list[tuple[PersonId | None, str]] = [
                (None, " ".join(s.text for s in note.sections))
            ]
            parts += [
                (p.person_id, p.text)
                for p in note.private
                if person_id is None or p.person_id == person_id
            ]
            parts += [(None, a.text) for a in note.addenda]
            for who, body in parts:
                found = set(words(body))
                if all(w in found for w in wanted):
                    hit = NoteHit(
                        note_id=note.id,
                        case_id=note.case_id,
                        appointment_id=note.appointment_id,
                        person_id=who,
                    )
                    hits.append((self._start(note), hit))
        hits.sort(key=lambda h: (h[0], str(h[1].note_id)), reverse=True)
        return [h for _, h in hits[:limit]]


class MemoryNoteTemplateRepository(Repository[NoteTemplate]):
    async def list_all(self) -> list[NoteTemplate]:
        return sorted(
            (copy.deepcopy(t) for t in self._t.visible()), key=lambda t: t.name.casefold()
        )


class MemoryPsychotherapyNoteRepository(Repository[PsychotherapyNote]):
    async def of_author(self, appointment_id: UUID, author_id: StaffId) -> PsychotherapyNote | None:
        for n in self._t.visible():
            if n.appointment_id == appointment_id and n.author_id == author_id:
                return copy.deepcopy(n)
        return None

    async def add(self, note: PsychotherapyNote) -> None:
        if await self.of_author(note.appointment_id, note.author_id) is not None:
            raise InvalidInput("You have a psychotherapy note for this session already.")
        self._t.add(note)


# The duties of a case's clinicians (as for plans due for review).
_TREATING = {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST}


class MemoryNoteAttention:
    def __init__(
        self,
        notes: Table[Note],
        cases: Table[Case],
        appointments: Table[Appointment],
        plans: Table[TreatmentPlan],
    ) -> None:
        self._notes, self._cases, self._appointments = notes, cases, appointments
        self._plans = plans

    def _row(self, appointment: Appointment, note: Note | None = None, **kw: Any) -> SessionRow:
        case = self._cases.get(appointment.case_id)
        return SessionRow(
            appointment_id=appointment.id,
            case_id=appointment.case_id,
            case_name=case.name if case else "",
            start=appointment.start,
            note_id=note.id if note else None,
            **kw,
        )

    def _by_appointment(self) -> dict[UUID, Note]:
        return {n.appointment_id: n for n in self._notes.visible()}

    def _unsigned(self, before: datetime) -> list[Appointment]:
        notes = self._by_appointment()
        found = [
            a
            for a in self._appointments.visible()
            if a.status is AppointmentStatus.COMPLETED
            and a.start < before
            and (a.id not in notes or notes[a.id].status is NoteStatus.DRAFT)
        ]
        return sorted(found, key=lambda a: (a.start, str(a.id)))

    async def without_signed_note(
        self, provider_id: StaffId, before: datetime, limit: int
    ) -> list[SessionRow]:
        notes = self._by_appointment()
        mine = [a for a in self._unsigned(before) if a.provider == provider_id]
        return [self._row(a, notes.get(a.id)) for a in mine[:limit]]

    def _notes_rows(self, keep: Any, at: Any, limit: int) -> list[SessionRow]:
        rows = []
        for note in self._notes.visible():
            appointment = self._appointments.get(note.appointment_id)
            if appointment is not None and keep(note):
                rows.append(self._row(appointment, note, at=at(note), staff_id=note.author_id))
        rows.sort(key=lambda r: (r.at, str(r.note_id)))
        return rows[:limit]

    async def drafts(
        self, author_id: StaffId, older_than: datetime, limit: int
    ) -> list[SessionRow]:
        return self._notes_rows(
            lambda n: (
                n.author_id == author_id
                and n.status is NoteStatus.DRAFT
                and n.updated_at < older_than
            ),
            lambda n: n.updated_at,
            limit,
        )

    async def returned(self, author_id: StaffId, limit: int) -> list[SessionRow]:
        return self._notes_rows(
            lambda n: n.author_id == author_id and n.status is NoteStatus.RETURNED,
            lambda n: n.returned.at,
            limit,
        )

    async def awaiting(self, supervisor_id: StaffId, limit: int) -> list[SessionRow]:
        return self._notes_rows(
            lambda n: (
                n.supervisor_id == supervisor_id and n.status is NoteStatus.AWAITING_COSIGNATURE
            ),
            lambda n: n.signature.at,
            limit,
        )

    async def totals(self, before: datetime) -> list[ClinicianTotals]:
        counts: dict[StaffId, list[int]] = {}
        for a in self._unsigned(before):
            counts.setdefault(a.provider, [0, 0, 0])[0] += 1
        for n in self._notes.visible():
            if n.status is NoteStatus.AWAITING_COSIGNATURE:
                counts.setdefault(n.author_id, [0, 0, 0])[1] += 1
            elif n.status is NoteStatus.RETURNED:
                counts.setdefault(n.author_id, [0, 0, 0])[2] += 1
        return [
            ClinicianTotals(
                staff_id=s, without_signed_note=c[0], awaiting_cosignature=c[1], returned=c[2]
            )
            for s, c in sorted(counts.items(), key=lambda kv: str(kv[0]))
        ]

    async def case_open(
        self, case_id: CaseId, staff_id: StaffId, before: datetime, today: date
    ) -> CaseOpenCounts | None:
        case = self._cases.get(case_id)
        if case is None or not case.duties_of(staff_id, today) & _TREATING:
            return None
        unsigned = sum(1 for a in self._unsigned(before) if a.case_id == case_id)
        in_force: dict[PersonId, TreatmentPlan] = {}
        for p in self._plans.visible():
            newest = p.person_id not in in_force or in_force[p.person_id].number < p.number
            if p.case_id == case_id and p.signature is not None and newest:
                in_force[p.person_id] = p
        members = {m.person_id for m in case.members_on(today)}
        due = sum(
            1
            for person, plan in in_force.items()
            if person in members and plan.due_for_review(today) and case.closed_on is None
        )
        return CaseOpenCounts(without_signed_note=unsigned, plans_due=due)
