"""The unit of work: every context's store on one transaction.

A unit of work is an async context manager; what it changed becomes visible to others only on
`commit()`, and leaving it without committing (or with an exception) discards everything.
Repositories return copies: changing an object changes nothing until it is passed to `update`.
`update` raises `ConcurrencyConflict` when the stored version is not the one that was read.

Each context declares the store it needs (`DirectoryStore`, `CasesStore`, `SchedulingStore`,
`CommunicationStore`...);
a `UnitOfWork` is all of them at once, which is what the SQL and memory adapters implement.
The repositories are read-only properties, so an adapter may hold its own repository classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from core.ports.billing import BillingStore
from core.ports.cases import CaseRepository
from core.ports.communication import CommunicationStore
from core.ports.documentation import DocumentationStore
from core.ports.notes import NotesStore
from core.ports.payments import PaymentsStore
from core.ports.scheduling import SchedulingStore


class UnitOfWork(
    CommunicationStore,
    DocumentationStore,
    SchedulingStore,
    BillingStore,
    PaymentsStore,
    NotesStore,
    Protocol,
):
    @property
    def cases(self) -> CaseRepository: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
