"""A practice for tests of notes: the clinic of scheduling tests, with sessions held and
attendance recorded through the real use cases, and the note use cases at hand."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind, MemberRole, policy
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWorkFactory
from core.services import cases
from core.services import scheduling as s
from core.services.documentation import notes as n
from tests.support.scheduling_practice import Clinic, at

KIND_SERVICE = {
    CaseKind.INDIVIDUAL: "Individual 50",
    CaseKind.FAMILY: "Family 50",
    CaseKind.GROUP: "Group 90",
    CaseKind.CONSULTATION: "Consultation 60",
    CaseKind.WORKSHOP: "Skills workshop",
}


class NotesClinic(Clinic):
    def __init__(self, uow: UnitOfWorkFactory | None = None) -> None:
        super().__init__(uow)
        self.sessions = 0

    async def held(
        self,
        actor: StaffActor,
        case_id: CaseId,
        kind: CaseKind,
        attended: dict[PersonId, Attendance],
        day: int | None = None,
        **kw,
    ) -> UUID:
        """A session of `case_id` on a January day, held: booked, then the clock moves past
        it and attendance is recorded."""
        self.sessions += 1
        when = at(1, day or 5 + self.sessions, 10)
        booking = await self.book(actor, case_id, when, KIND_SERVICE[kind], **kw)
        self.now(datetime(when.year, when.month, when.day, 20))
        if attended:
            await s.record_attendance(
                self.deps,
                actor,
                s.RecordAttendance(appointment_id=booking.appointment_ids[0], marks=attended),
            )
        return booking.appointment_ids[0]

    async def group(
        self, provider: StaffActor, names: list[str], kind: CaseKind = CaseKind.GROUP
    ) -> tuple[CaseId, list[PersonId]]:
        people = [await self.person(name) for name in names]
        role = MemberRole.GROUP_MEMBER if kind is CaseKind.GROUP else None
        case_id = await self.case(
            kind,
            provider,
            *((p, role) for p in people),
            capacity=12 if policy(kind).has_capacity else None,
        )
        return case_id, people

    async def assign(self, case_id: CaseId, staff: StaffActor, duty: StaffDuty) -> None:
        await cases.assign_staff(
            self.deps,
            self.owner,
            cases.AssignStaff(case_id=case_id, staff_id=staff.id, duty=duty),
        )

    async def start(self, actor: StaffActor, appointment_id: UUID, template: UUID | None = None):
        return await n.start_note(
            self.deps, actor, n.StartNote(appointment_id=appointment_id, template_id=template)
        )

    async def write(self, actor: StaffActor, note, sections=None, private=None):
        return await n.save_draft(
            self.deps,
            actor,
            n.SaveDraft(
                note_id=note.id,
                version=note.version,
                sections=sections or {},
                private=private or {},
            ),
        )

    async def sign(self, actor: StaffActor, note):
        return await n.sign_note(
            self.deps, actor, n.NoteStep(note_id=note.id, version=note.version)
        )

    async def get(self, note_id: UUID):
        async with self.deps.uow() as uow:
            return await uow.notes.get(note_id)

    async def refresh(self, actor: StaffActor) -> StaffActor:
        return await self.practice.actor(actor.id)


CLINICIAN = StaffRole.CLINICIAN
SUPERVISOR = StaffRole.SUPERVISOR
