"""A practice in New York with the services of DOMAIN.md, for scheduling tests: cases opened and
sessions booked through the real use cases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from adapters.persistence.memory.store import MemoryStore
from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.system.clock import FixedClock
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, MemberRole, ServiceLine
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWorkFactory
from core.services import cases
from core.services import scheduling as s
from tests.support.practice import START, Practice

TZ = "America/New_York"

SERVICES = {
    # name: (service line, minutes, fee in cents, code)
    "Individual 50": (ServiceLine.PSYCHOTHERAPY, 50, 15000, "90834"),
    "Family 50": (ServiceLine.PSYCHOTHERAPY, 50, 17000, "90847"),
    "Group 90": (ServiceLine.PSYCHOTHERAPY, 90, 6000, "90853"),
    "Intake evaluation": (ServiceLine.PSYCHOTHERAPY, 60, 20000, "90791"),
    "Crisis": (ServiceLine.PSYCHOTHERAPY, 60, 18000, "90839"),
    "Consultation 60": (ServiceLine.CONSULTATION, 60, 20000, None),
    "Skills workshop": (ServiceLine.WORKSHOP, 120, 4000, None),
}


def at(month: int, d: int, hour: int = 18, minute: int = 0, year: int = 2026) -> datetime:
    """A wall-clock time in the practice's timezone (naive, as a form sends it)."""
    return datetime(year, month, d, hour, minute)


class Clinic:
    """On a fresh in-memory store, or on the store of `uow` (the contract tier)."""

    def __init__(self, uow: UnitOfWorkFactory | None = None) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(START, TZ)
        self.practice = Practice(uow or memory_uow_factory(self.store), self.clock)
        self.services: dict[str, UUID] = {}

    async def setup(self) -> Clinic:
        await self.practice.setup()
        self.deps = s.SchedulingDeps.of(self.practice.deps, TZ)
        self.owner = self.practice.owner
        for name, (line, minutes, fee, code) in SERVICES.items():
            self.services[name] = await s.create_service(
                self.deps,
                self.owner,
                s.CreateService(
                    name=name, service_line=line, minutes=minutes, fee_minor=fee, billing_code=code
                ),
            )
        return self

    def now(self, moment: datetime) -> None:
        """Move the clock to a wall-clock time in the practice."""
        self.clock.set(moment.replace(tzinfo=ZoneInfo(TZ)).astimezone(UTC))

    async def staff(self, *args, **kw) -> StaffActor:
        return await self.practice.staff(*args, **kw)

    async def person(self, name: str) -> PersonId:
        """Emails follow the whole name, so that people with one first name stay distinct."""
        return await self.practice.person(name, email=name.lower().replace(" ", ".") + "@ex.org")

    async def case(
        self,
        kind: CaseKind,
        provider: StaffActor,
        *members: tuple[PersonId, MemberRole | None],
        opened_on: date = date(2026, 1, 5),
        capacity: int | None = None,
    ) -> CaseId:
        # The owner opens it for the provider: a clinician may not name people of another
        # clinician's cases (the directory shows them only their own), the owner may.
        return await cases.open_case(
            self.deps,
            self.practice.owner,
            cases.OpenCase(
                kind=kind,
                name=f"{kind.value} case {len(members)}",
                responsible_provider_id=provider.id,
                participants=tuple(cases.Participant(person_id=p, role=r) for p, r in members),
                opened_on=opened_on,
                capacity=capacity,
                status=CaseStatus.ACTIVE,
            ),
        )

    async def book(
        self,
        actor: StaffActor,
        case_id: CaseId,
        start: datetime,
        service: str = "Individual 50",
        **kw,
    ) -> s.Booking:
        return await s.schedule_appointment(
            self.deps,
            actor,
            s.ScheduleAppointment(
                case_id=case_id, start=start, service_id=self.services[service], **kw
            ),
        )

    async def appointment(self, appointment_id):
        async with self.deps.uow() as uow:
            return await uow.appointments.get(appointment_id)
