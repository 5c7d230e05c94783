"""The unit of work: every context's store on one transaction.

A unit of work is an async context manager; what it changed becomes visible to others only on
`commit()`, and leaving it without committing (or with an exception) discards everything.
Repositories return copies: changing an object changes nothing until it is passed to `update`.
`update` raises `ConcurrencyConflict` when the stored version is not the one that was read.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from core.domain.shared.events import DomainEvent
from core.ports.cases import CaseRepository, HistoryRepository
from core.ports.directory import (
    CredentialRepository,
    OrganizationRepository,
    PersonRepository,
    StaffRepository,
)
from core.ports.scheduling import (
    AppointmentRepository,
    CalendarFeedRepository,
    ServiceRepository,
)


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
    async def commit(self) -> None:
        """Make the changes durable. Refuses while stored aggregates have events nobody
        collected: those must go through the message bus first (core.services.shared.bus)."""
        ...

    def collect_events(self) -> list[DomainEvent]:
        """The events of the aggregates added or updated since the last call, oldest first."""
        ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
