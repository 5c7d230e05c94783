"""The SQL unit of work: one connection and one transaction, shared by its repositories."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.commits import COMMITS
from adapters.persistence.sql.billing import SqlFeeOverrides, SqlInvoices, SqlLedger
from adapters.persistence.sql.calendar_feeds import SqlCalendarFeedRepository
from adapters.persistence.sql.case_glance import SqlCaseGlance
from adapters.persistence.sql.cases import SqlCaseRepository
from adapters.persistence.sql.communication import SqlOutbox
from adapters.persistence.sql.communication_settings import (
    SqlMessageTemplateRepository,
    SqlSessionLinkRepository,
)
from adapters.persistence.sql.directory import (
    SqlCredentialRepository,
    SqlOrganizationRepository,
    SqlPersonRepository,
    SqlStaffRepository,
)
from adapters.persistence.sql.documentation import (
    SqlDiagnosisRepository,
    SqlTreatmentPlanRepository,
)
from adapters.persistence.sql.history import SqlHistoryRepository
from adapters.persistence.sql.notes import (
    SqlNoteAttention,
    SqlNoteRepository,
    SqlNoteTemplateRepository,
    SqlPsychotherapyNoteRepository,
)
from adapters.persistence.sql.payments import (
    SqlCardAttemptRepository,
    SqlCardOnFileRepository,
    SqlPaymentRepository,
    SqlProcessorEventRepository,
)
from adapters.persistence.sql.practice import SqlPracticeRepository
from adapters.persistence.sql.scheduling import SqlAppointmentRepository, SqlServiceRepository
from adapters.persistence.sql.scheduling_settings import (
    SqlLocationRepository,
    SqlSchedulingPolicyRepository,
)
from adapters.persistence.sql.second_factors import SqlSecondFactorRepository
from adapters.persistence.sql.staff_tokens import SqlStaffTokenRepository
from core.domain.scheduling.appointments import DoubleBooking
from core.domain.shared.events import DomainEvent
from core.ports.unit_of_work import UnitOfWork

EXCLUSION_VIOLATION = "23P01"  # PostgreSQL's SQLSTATE for an exclusion constraint

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, made on first use with its connection and kept for
    the rest of it (in the instance's `__dict__`, so later reads skip this descriptor)."""

    names: ClassVar[list[str]] = []

    def __init__(self, make: Callable[[AsyncConnection], R]) -> None:
        self._make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name
        _Repository.names.append(name)

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> R | Self:
        if uow is None:
            return self
        made = uow.__dict__[self._name] = self._make(uow._open())
        return made


# The repositories whose aggregates record domain events.
_RECORDING = (
    "people",
    "cases",
    "appointments",
    "diagnoses",
    "plans",
    "services",
    "practice",
    "locations",
    "policy",
    "card_attempts",
    "payments",
    "cards_on_file",
    "invoices",
    "templates",
    "notes",
    "psychotherapy_notes",
)


class SqlUnitOfWork:
    """One connection per unit of work. Its transaction begins with the first statement (on
    SQLite: `BEGIN IMMEDIATE`, see engine.py); `commit()` makes the changes visible to others;
    leaving without it, or with an exception, rolls back and returns the connection."""

    # Each repository is made on first use, on this unit of work's connection: a screen uses a
    # few of these thirty, and making them all for every unit of work (several a request) was
    # a measurable part of a light screen's CPU.
    people = _Repository(SqlPersonRepository)
    organizations = _Repository(SqlOrganizationRepository)
    staff = _Repository(SqlStaffRepository)
    cases = _Repository(SqlCaseRepository)
    history = _Repository(SqlHistoryRepository)
    glances = _Repository(SqlCaseGlance)
    diagnoses = _Repository(SqlDiagnosisRepository)
    plans = _Repository(SqlTreatmentPlanRepository)
    credentials = _Repository(SqlCredentialRepository)
    services = _Repository(SqlServiceRepository)
    appointments = _Repository(SqlAppointmentRepository)
    feeds = _Repository(SqlCalendarFeedRepository)
    practice = _Repository(SqlPracticeRepository)
    locations = _Repository(SqlLocationRepository)
    policy = _Repository(SqlSchedulingPolicyRepository)
    outbox = _Repository(SqlOutbox)
    templates = _Repository(SqlMessageTemplateRepository)
    session_links = _Repository(SqlSessionLinkRepository)
    staff_tokens = _Repository(SqlStaffTokenRepository)
    second_factors = _Repository(SqlSecondFactorRepository)
    card_attempts = _Repository(SqlCardAttemptRepository)
    payments = _Repository(SqlPaymentRepository)
    cards_on_file = _Repository(SqlCardOnFileRepository)
    processor_events = _Repository(SqlProcessorEventRepository)
    ledger = _Repository(SqlLedger)
    invoices = _Repository(SqlInvoices)
    fee_overrides = _Repository(SqlFeeOverrides)
    notes = _Repository(SqlNoteRepository)
    note_templates = _Repository(SqlNoteTemplateRepository)
    psychotherapy_notes = _Repository(SqlPsychotherapyNoteRepository)
    note_attention = _Repository(SqlNoteAttention)

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        for name in _Repository.names:
            self.__dict__.pop(name, None)  # a unit of work entered again starts afresh
        self._conn = await self._engine.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.rollback()
            finally:
                await conn.close()

    async def commit(self) -> None:
        """Commit, unless the appointments written would double-book a provider: then raise
        `DoubleBooking` (the transaction stays open for the caller to roll back). SQLite: the
        check runs while this transaction holds the write lock, so nothing can slip in before
        the commit. PostgreSQL: the exclusion constraint decides at commit, even against a
        writer that committed a moment earlier; the clash is then looked up for the message."""
        conn = self._open()
        if any(r.events for r in self._recording()):
            raise RuntimeError("Events not handed to the message bus: commit through the bus.")
        written = list(self.appointments.written.values()) if self._made("appointments") else []
        if written:
            clash = await self.appointments.clash(written)
            if clash is not None:
                raise clash
        try:
            await conn.commit()
            COMMITS.count += 1
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION or not written:
                raise
            await conn.rollback()
            clash = await self.appointments.clash(written)
            await conn.rollback()
            first = written[0]
            raise clash or DoubleBooking(first.provider, first.start, first.end) from exc
        finally:
            if written:
                self.appointments.written.clear()

    def collect_events(self) -> list[DomainEvent]:
        taken = [e for r in self._recording() for e in r.events]
        for r in self._recording():
            r.events.clear()
        return taken

    def _recording(self) -> tuple[Any, ...]:
        """The repositories whose aggregates record domain events (of those made: one not
        used has recorded none)."""
        return tuple(getattr(self, name) for name in _RECORDING if self._made(name))

    def _made(self, name: str) -> bool:
        return name in self.__dict__

    async def rollback(self) -> None:
        if self._made("appointments"):
            self.appointments.written.clear()
        await self._open().rollback()

    def _open(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("The unit of work is not open.")
        return self._conn


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(engine)


if TYPE_CHECKING:  # mypy holds this adapter to the port: every context's store at once
    _implements: type[UnitOfWork] = SqlUnitOfWork
