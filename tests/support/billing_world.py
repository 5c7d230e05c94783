"""Billing on the web tier's seeded practice (tests/web/conftest.py): a session of the couple
held and charged to Sam, January's invoices issued, the practice's details for the documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from core.domain.cases.kinds import ServiceLine
from core.domain.directory.practice import Practice as PracticeDetails
from core.domain.scheduling.appointments import Attendance
from core.services import scheduling as s
from core.services.billing import invoicing
from core.services.shared.bus import commit

SESSION = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)


async def bill_january(world) -> UUID:
    """The couple's session on 6 January, both attended; January's run on 1 February. The
    one invoice's id (to Sam)."""
    practice = world.practice
    deps = s.SchedulingDeps.of(practice.deps, "UTC")
    async with deps.uow() as uow:
        details = PracticeDetails(
            name="Hearth Family Therapy",
            timezone="UTC",
            address="12 Elm Street, Springfield",
            tax_id="EIN 12-3456789",
        )
        await uow.practice.save(details)
        await commit(deps, uow, practice.owner)
    service = await s.create_service(
        deps,
        practice.owner,
        s.CreateService(
            name="Couple session 50",
            service_line=ServiceLine.PSYCHOTHERAPY,
            minutes=50,
            fee_minor=17000,
            billing_code="90847",
        ),
    )
    lee = world.staff["lee"]
    booked = await s.schedule_appointment(
        deps,
        lee,
        s.ScheduleAppointment(
            case_id=world.cases["couple"], start=SESSION.replace(tzinfo=None), service_id=service
        ),
    )
    practice.clock.set(SESSION + timedelta(hours=1))
    await s.record_attendance(
        deps,
        lee,
        s.RecordAttendance(
            appointment_id=booked.appointment_ids[0],
            marks={
                world.people["maya"]: Attendance.ATTENDED,
                world.people["sam"]: Attendance.ATTENDED,
            },
        ),
    )
    practice.clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    (invoice_id,) = await invoicing.run_month(
        deps, practice.owner, invoicing.MonthlyRun(month="2026-01")
    )
    return invoice_id
