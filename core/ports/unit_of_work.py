"""The unit of work and its repositories.

A unit of work is an async context manager; what it changed becomes visible to others only on
`commit()`, and leaving it without committing (or with an exception) discards everything.
Repositories return copies: changing an object changes nothing until it is passed to `update`.
`update` raises `ConcurrencyConflict` when the stored version is not the one that was read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from core.domain.access import StaffScope
from core.domain.case import Case, CaseStatus
from core.domain.case_kinds import CaseKind
from core.domain.credentials import Credentials, LockoutRule
from core.domain.history import CaseEvent
from core.domain.parties import Organization, Person, StaffMember
from core.domain.values import CaseId, OrganizationId, PersonId, StaffId
from core.ports.scheduling import (
    AppointmentRepository,
    CalendarFeedRepository,
    ServiceRepository,
)


class PersonRepository(Protocol):
    async def get(self, person_id: PersonId) -> Person | None: ...
    async def get_many(self, ids: Iterable[PersonId]) -> dict[PersonId, Person]: ...
    async def add(self, person: Person) -> None: ...
    async def update(self, person: Person) -> None: ...
    async def search(self, text: str, limit: int = 20) -> list[Person]:
        """People whose legal or preferred name or email contains `text`, by name."""
        ...


class OrganizationRepository(Protocol):
    async def get(self, organization_id: OrganizationId) -> Organization | None: ...
    async def get_many(
        self, ids: Iterable[OrganizationId]
    ) -> dict[OrganizationId, Organization]: ...
    async def add(self, organization: Organization) -> None: ...
    async def update(self, organization: Organization) -> None: ...
    async def search(self, text: str, limit: int = 20) -> list[Organization]: ...


class StaffRepository(Protocol):
    async def get(self, staff_id: StaffId) -> StaffMember | None: ...
    async def get_many(self, ids: Iterable[StaffId]) -> dict[StaffId, StaffMember]: ...
    async def by_email(self, email: str) -> StaffMember | None: ...
    async def add(self, staff: StaffMember) -> None:
        """Raises `InvalidInput` (field "email") when the email is taken."""
        ...

    async def add_first(self, staff: StaffMember) -> bool:
        """Add `staff` only if there is no staff member yet, else False. Units of work doing
        this at the same time take turns, so a practice gets one first owner."""
        ...

    async def update(self, staff: StaffMember) -> None: ...
    async def list_all(self) -> list[StaffMember]: ...
    async def supervisees_of(self, staff_id: StaffId) -> frozenset[StaffId]: ...
    async def count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class CaseListQuery:
    """A page of the case list, as of `today`.

    `visible_to` None: every case; otherwise only cases that match one of the scopes (the actor's
    access, see `core.domain.access.listing_scope`). `held_by`: only cases where that staff member
    holds one of the duties (the "clinician" filter). `text` matches the case name or a member's.
    """

    today: date
    visible_to: tuple[StaffScope, ...] | None = None
    held_by: StaffScope | None = None
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    open_only: bool = False  # leave closed cases out (what can still be booked or changed)
    text: str = ""
    limit: int = 50
    offset: int = 0


class CaseRepository(Protocol):
    async def get(self, case_id: CaseId) -> Case | None:
        """The whole aggregate: memberships and every responsibility."""
        ...

    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]:
        """Whole aggregates in a fixed number of queries, in no particular order."""
        ...

    async def add(self, case: Case) -> None: ...
    async def update(self, case: Case) -> None: ...
    async def ids_for_person(self, person_id: PersonId) -> list[CaseId]:
        """Cases the person is related to: participant, person payer, helper, or recipient."""
        ...

    async def ids_for_people(self, person_ids: Iterable[PersonId]) -> dict[PersonId, list[CaseId]]:
        """`ids_for_person` of each person asked (an empty list for none) in one query."""
        ...

    async def list_page(self, query: CaseListQuery) -> tuple[list[Case], int]:
        """One page of cases ordered by name (then id), and how many match in all."""
        ...

    async def ids_for_organization(self, organization_id: OrganizationId) -> list[CaseId]: ...
    async def ids_for_staff(
        self, staff_ids: Iterable[StaffId], on: date | None = None
    ) -> list[CaseId]:
        """Cases where one of `staff_ids` has a staff assignment (on `on`, or ever)."""
        ...


class CredentialRepository(Protocol):
    """Every change is one statement on the stored row, never read-modify-write: concurrent
    sign-ins, password changes and rehashes cannot overwrite each other."""

    async def get(self, staff_id: StaffId) -> Credentials | None: ...
    async def set_password(self, staff_id: StaffId, password_hash: str) -> int:
        """Insert or replace the password, clear the lockout, and start (and return) a new
        generation."""
        ...

    async def claim_attempt(
        self, staff_id: StaffId, now: datetime, rule: LockoutRule
    ) -> Credentials | None:
        """`Credentials.claim_attempt` as one atomic step: the credentials after counting the
        attempt, or None when the account is locked (or has no password)."""
        ...

    async def record_success(self, staff_id: StaffId) -> None: ...
    async def rehash(self, staff_id: StaffId, old_hash: str, new_hash: str) -> bool:
        """Replace the hash only while it is still `old_hash` (a password set meanwhile
        stays); the generation does not change."""
        ...


class HistoryRepository(Protocol):
    async def append(self, event: CaseEvent) -> None: ...
    async def for_case(self, case_id: CaseId, limit: int = 200) -> list[CaseEvent]:
        """Newest first; of events at the same instant, the one recorded last comes first."""
        ...


class UnitOfWork(Protocol):
    people: PersonRepository
    organizations: OrganizationRepository
    staff: StaffRepository
    cases: CaseRepository
    history: HistoryRepository
    credentials: CredentialRepository
    appointments: AppointmentRepository
    services: ServiceRepository
    feeds: CalendarFeedRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
