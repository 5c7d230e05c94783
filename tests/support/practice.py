"""A small practice to write tests in the words of DOMAIN.md: staff, people and cases made
through the real use cases on whichever unit of work the test provides."""

from __future__ import annotations

from datetime import UTC, date, datetime

from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.system.clock import FixedClock
from adapters.system.ids import SequentialIds
from adapters.system.passwords import Argon2PasswordHasher
from bootstrap import message_bus
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import Licensure, StaffRole
from core.domain.shared.values import PersonId, StaffId
from core.ports import AuditTrail, UnitOfWorkFactory
from core.services import directory
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
