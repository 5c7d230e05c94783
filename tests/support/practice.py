"""A small practice to write tests in the words of DOMAIN.md: staff, people and cases made
through the real use cases on whichever unit of work the test provides."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.system.clock import FixedClock
from adapters.system.ids import SequentialIds
from adapters.system.passwords import Argon2PasswordHasher
from bootstrap import message_bus
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.directory.parties import Licensure, StaffRole
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports import AuditTrail, UnitOfWorkFactory
from core.services import cases, directory
from core.services.shared.use_case import Deps

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
OWNER_PASSWORD = "the owner's password"
_HASHER = Argon2PasswordHasher.fast()


def day(month: int, d: int, year: int = 2026) -> date:
    return date(year, month, d)


class Practice:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: FixedClock | None = None,
        audit: AuditTrail | None = None,
    ) -> None:
        self.clock = clock or FixedClock(START)
        self.audit = audit if audit is not None else MemoryAuditLog()
        self.deps = Deps(
            uow=uow, clock=self.clock, ids=SequentialIds(), audit=self.audit, bus=message_bus()
        )
        self.owner: StaffActor

    async def setup(self, owner_name: str = "Dr. Ana Owner") -> Practice:
        owner = await directory.create_first_owner(
            self.deps, _HASHER, owner_name, "owner@hearth.test", OWNER_PASSWORD
        )
        self.owner = await self.actor(owner.staff_id)
        return self

    async def actor(self, staff_id: StaffId, **kw: bool) -> StaffActor:
        return await directory.load_actor(self.deps, staff_id, **kw)

    async def staff(
        self,
        name: str,
        *roles: StaffRole,
        associate: bool = False,
        supervisor: StaffActor | None = None,
        supports: tuple[StaffActor, ...] = (),
    ) -> StaffActor:
        email = name.lower().replace(".", "").replace(" ", ".") + "@hearth.test"
        staff_id = await directory.add_staff(
            self.deps,
            self.owner,
            directory.AddStaff(
                name=name,
                email=email,
                roles=frozenset(roles or (StaffRole.CLINICIAN,)),
                licensure=Licensure.ASSOCIATE if associate else Licensure.LICENSED,
                supervisor_id=supervisor.id if supervisor else None,
                supports=frozenset(s.id for s in supports),
            ),
        )
        return await self.actor(staff_id)

    async def person(self, name: str, **details: object) -> PersonId:
        email = details.pop("email", name.split()[0].lower() + "@example.org")
        return await directory.register_person(
            self.deps,
            self.owner,
            directory.RegisterPerson(legal_name=name, email=email, **details),  # type: ignore[arg-type]
        )

    async def open(
        self,
        actor: StaffActor,
        kind: CaseKind,
        *people: PersonId | tuple[PersonId, MemberRole],
        provider: StaffId | None = None,
        **options: Any,
    ) -> CaseId:
        """Open a case through the use case: `actor` opens it (responsible unless `provider`
        says who), with `people` as participants (a person, or a person and their role)."""
        participants = tuple(
            cases.Participant(person_id=p[0], role=p[1])
            if isinstance(p, tuple)
            else cases.Participant(person_id=p)
            for p in people
        )
        return await cases.open_case(
            self.deps,
            actor,
            cases.OpenCase(
                kind=kind,
                responsible_provider_id=provider or actor.id,
                participants=participants,
                **options,
            ),
        )
