"""The SQL unit of work: one connection and one transaction, shared by its repositories."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

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


class SqlUnitOfWork:
    """One connection per unit of work. Its transaction begins with the first statement (on
    SQLite: `BEGIN IMMEDIATE`, see engine.py); `commit()` makes the changes visible to others;
    leaving without it, or with an exception, rolls back and returns the connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        conn = self._conn = await self._engine.connect()
        self.people = SqlPersonRepository(conn)
        self.organizations = SqlOrganizationRepository(conn)
        self.staff = SqlStaffRepository(conn)
        self.cases = SqlCaseRepository(conn)
        self.history = SqlHistoryRepository(conn)
        self.glances = SqlCaseGlance(conn)
        self.diagnoses = SqlDiagnosisRepository(conn)
        self.plans = SqlTreatmentPlanRepository(conn)
        self.credentials = SqlCredentialRepository(conn)
        self.services = SqlServiceRepository(conn)
        self.appointments = SqlAppointmentRepository(conn)
        self.feeds = SqlCalendarFeedRepository(conn)
        self.practice = SqlPracticeRepository(conn)
        self.locations = SqlLocationRepository(conn)
        self.policy = SqlSchedulingPolicyRepository(conn)
        self.outbox = SqlOutbox(conn)
        self.templates = SqlMessageTemplateRepository(conn)
        self.session_links = SqlSessionLinkRepository(conn)
        self.staff_tokens = SqlStaffTokenRepository(conn)
        self.second_factors = SqlSecondFactorRepository(conn)
        self.card_attempts = SqlCardAttemptRepository(conn)
        self.payments = SqlPaymentRepository(conn)
        self.cards_on_file = SqlCardOnFileRepository(conn)
        self.processor_events = SqlProcessorEventRepository(conn)
        self.ledger = SqlLedger(conn)
        self.invoices = SqlInvoices(conn)
        self.fee_overrides = SqlFeeOverrides(conn)
        self.notes = SqlNoteRepository(conn)
        self.note_templates = SqlNoteTemplateRepository(conn)
        self.psychotherapy_notes = SqlPsychotherapyNoteRepository(conn)
        self.note_attention = SqlNoteAttention(conn)
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
        written = list(self.appointments.written.values())
        if written:
            clash = await self.appointments.clash(written)
            if clash is not None:
                raise clash
        try:
            await conn.commit()
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) != EXCLUSION_VIOLATION or not written:
                raise
            await conn.rollback()
            clash = await self.appointments.clash(written)
            await conn.rollback()
            first = written[0]
            raise clash or DoubleBooking(first.provider, first.start, first.end) from exc
        finally:
            self.appointments.written.clear()

    def collect_events(self) -> list[DomainEvent]:
        taken = [e for r in self._recording() for e in r.events]
        for r in self._recording():
            r.events.clear()
        return taken

    def _recording(self) -> tuple[Any, ...]:
        """The repositories whose aggregates record domain events."""
        return (
            self.people,
            self.cases,
            self.appointments,
            self.diagnoses,
            self.plans,
            self.services,
            self.practice,
            self.locations,
            self.policy,
            self.card_attempts,
            self.payments,
            self.cards_on_file,
            self.invoices,
            self.templates,
            self.notes,
            self.psychotherapy_notes,
        )

    async def rollback(self) -> None:
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
