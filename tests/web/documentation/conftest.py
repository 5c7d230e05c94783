"""The web tier's practice with notes: sessions of the couple (Lee) and the family (Ash, whose
default supervisor is Lee) held, and notes in each state, made through the core."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import pytest

from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.appointments import Attendance
from core.services import scheduling as s
from core.services.documentation import notes as n
from core.services.documentation import psychotherapy_notes as pn
from tests.web.conftest import World

SIGNED_TEXT = "Confidential couple words"
FAMILY_TEXT = "Confidential family words"
PRIVATE_TEXT = "Maya private words"
PROCESS_TEXT = "Lee process words"


@dataclass
class Notes:
    appointments: dict[str, UUID]  # "<case>" (signed note), "<case>-draft", "<case>-empty"
    notes: dict[str, UUID]  # "<case>" signed (family: awaiting Lee), "<case>-draft"


@pytest.fixture
def notes(container, world: World) -> Notes:
    deps = container.scheduling_deps()
    owner, lee, ash = world.staff["owner"], world.staff["lee"], world.staff["ash"]

    async def seed() -> Notes:
        service = await s.create_service(
            deps,
            owner,
            s.CreateService(
                name="Couple 50",
                service_line=ServiceLine.PSYCHOTHERAPY,
                minutes=50,
                fee_minor=15000,
                billing_code="90847",
            ),
        )
        made = Notes({}, {})
        for case, who in (("couple", lee), ("family", ash)):
            for hour, suffix in ((10, ""), (12, "-draft"), (14, "-empty")):
                booking = await s.schedule_appointment(
                    deps,
                    owner,
                    s.ScheduleAppointment(
                        case_id=world.cases[case],
                        start=datetime(2026, 1, 6, hour),
                        service_id=service,
                        provider_ids=(who.id,),
                    ),
                )
                made.appointments[case + suffix] = booking.appointment_ids[0]
        container.clock().set(datetime(2026, 1, 6, 23, tzinfo=UTC))
        for case, who, members in (
            ("couple", lee, ("maya", "sam")),
            ("family", ash, ("ada", "tomi")),
        ):
            for suffix in ("", "-draft", "-empty"):
                await s.record_attendance(
                    deps,
                    who,
                    s.RecordAttendance(
                        appointment_id=made.appointments[case + suffix],
                        marks={world.people[m]: Attendance.ATTENDED for m in members},
                    ),
                )
            text = SIGNED_TEXT if case == "couple" else FAMILY_TEXT
            note = await n.start_note(
                deps, who, n.StartNote(appointment_id=made.appointments[case])
            )
            private = {world.people["maya"]: PRIVATE_TEXT} if case == "couple" else {}
            note = await n.save_draft(
                deps,
                who,
                n.SaveDraft(
                    note_id=note.id, version=note.version, sections={"Note": text}, private=private
                ),
            )
            note = await n.sign_note(deps, who, n.NoteStep(note_id=note.id, version=note.version))
            made.notes[case] = note.id
            draft = await n.start_note(
                deps, who, n.StartNote(appointment_id=made.appointments[case + "-draft"])
            )
            made.notes[case + "-draft"] = draft.id
        await pn.save_psychotherapy_note(
            deps,
            lee,
            pn.SavePsychotherapyNote(appointment_id=made.appointments["couple"], text=PROCESS_TEXT),
        )
        return made

    return asyncio.run(seed())
