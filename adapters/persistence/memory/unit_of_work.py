"""The in-memory unit of work: staged writes, checked and applied at commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from adapters.persistence.commits import COMMITS
from adapters.persistence.memory.billing import (
    MemoryFeeOverrides,
    MemoryInvoices,
    MemoryLedger,
)
from adapters.persistence.memory.cases import (
    MemoryCaseGlance,
    MemoryCaseRepository,
    MemoryHistoryRepository,
)
from adapters.persistence.memory.communication import MemoryOutbox
from adapters.persistence.memory.communication_settings import (
    MemoryMessageTemplateRepository,
    MemorySessionLinkRepository,
)
from adapters.persistence.memory.directory import (
    MemoryCredentialRepository,
    MemoryOrganizationRepository,
    MemoryPersonRepository,
    MemoryPracticeRepository,
    MemoryStaffRepository,
)
from adapters.persistence.memory.documentation import (
    MemoryDiagnosisRepository,
    MemoryTreatmentPlanRepository,
)
from adapters.persistence.memory.notes import (
    NOTE_TABLES,
    MemoryNoteAttention,
    MemoryNoteRepository,
    MemoryNoteTemplateRepository,
    MemoryPsychotherapyNoteRepository,
)
from adapters.persistence.memory.payments import (
    PAYMENTS_TABLES,
    MemoryCardAttemptRepository,
    MemoryCardOnFileRepository,
    MemoryPaymentRepository,
    MemoryProcessorEventRepository,
    check_keys_at_commit,
)
from adapters.persistence.memory.scheduling import (
    SCHEDULING_TABLES,
    MemoryAppointmentRepository,
    MemoryCalendarFeedRepository,
    MemoryServiceRepository,
    check_at_commit,
)
from adapters.persistence.memory.scheduling_settings import (
    MemoryLocationRepository,
    MemorySchedulingPolicyRepository,
)
from adapters.persistence.memory.second_factors import MemorySecondFactorRepository
from adapters.persistence.memory.staff_tokens import MemoryStaffTokenRepository
from adapters.persistence.memory.store import MemoryStore, Table
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent
from core.ports.unit_of_work import UnitOfWork


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._tables: dict[str, Table[Any]] = {
            name: Table(store, name, what)
            for name, what in (
                ("people", "person"),
                ("organizations", "organization"),
                ("staff", "staff member"),
                ("cases", "case"),
                ("diagnoses", "diagnosis"),
                ("treatment_plans", "treatment plan"),
                ("treatment_plan_numbers", "treatment plan version"),
                ("practice", "practice's details"),
                ("locations", "location"),
                ("scheduling_policy", "scheduling policy"),
                ("invoices", "invoice"),
                ("message_templates", "set of message texts"),
                *SCHEDULING_TABLES,
                *PAYMENTS_TABLES,
                *NOTE_TABLES,
            )
        }
        self.people = MemoryPersonRepository(self._tables["people"], self._tables["cases"])
        self.organizations = MemoryOrganizationRepository(self._tables["organizations"])
        self.staff = MemoryStaffRepository(self._tables["staff"], store.tables["credentials"])
        self.cases = MemoryCaseRepository(self._tables["cases"], self._tables["people"])
        self.history = MemoryHistoryRepository(store)
        self.glances = MemoryCaseGlance(self._tables["appointments"])
        self.diagnoses = MemoryDiagnosisRepository(self._tables["diagnoses"])
        self.plans = MemoryTreatmentPlanRepository(
            self._tables["treatment_plans"],
            self._tables["treatment_plan_numbers"],
            self._tables["cases"],
        )
        self.credentials = MemoryCredentialRepository(store.tables["credentials"])
        self.services = MemoryServiceRepository(self._tables["services"])
        self.appointments = MemoryAppointmentRepository(
            self._tables["appointments"], self._tables["series"], self._tables["cases"]
        )
        self.feeds = MemoryCalendarFeedRepository(self._tables["feeds"])
        self.practice = MemoryPracticeRepository(self._tables["practice"])
        self.locations = MemoryLocationRepository(self._tables["locations"])
        self.policy = MemorySchedulingPolicyRepository(self._tables["scheduling_policy"])
        self.outbox = MemoryOutbox(store)
        self.templates = MemoryMessageTemplateRepository(self._tables["message_templates"])
        self.session_links = MemorySessionLinkRepository(store)
        self.staff_tokens = MemoryStaffTokenRepository(store)
        self.second_factors = MemorySecondFactorRepository(store)
        self.card_attempts = MemoryCardAttemptRepository(self._tables["card_attempts"])
        self.payments = MemoryPaymentRepository(self._tables["payments"])
        self.cards_on_file = MemoryCardOnFileRepository(self._tables["cards_on_file"])
        self.processor_events = MemoryProcessorEventRepository(store)
        self.invoices = MemoryInvoices(store, self._tables["invoices"])
        self.ledger = MemoryLedger(store, self.invoices.billed)
        self.invoices.entry_of = self.ledger.find
        self.fee_overrides = MemoryFeeOverrides(store)
        notes, cases, appointments = (
            self._tables["notes"],
            self._tables["cases"],
            self._tables["appointments"],
        )
        self.notes = MemoryNoteRepository(notes, cases, appointments)
        self.note_templates = MemoryNoteTemplateRepository(self._tables["note_templates"])
        self.psychotherapy_notes = MemoryPsychotherapyNoteRepository(
            self._tables["psychotherapy_notes"]
        )
        self.note_attention = MemoryNoteAttention(
            notes, cases, appointments, self._tables["treatment_plans"]
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.rollback()  # what was committed stays; whatever else was staged goes

    def collect_events(self) -> list[DomainEvent]:
        taken = [e for table in self._tables.values() for e in table.events]
        for table in self._tables.values():
            table.events.clear()
        return taken

    async def commit(self) -> None:
        if any(table.events for table in self._tables.values()):
            raise RuntimeError("Events not handed to the message bus: commit through the bus.")
        with self._store.lock:
            check_keys_at_commit(self._tables)
            self.processor_events.check()
            for table in self._tables.values():
                table.check()
            emails = [s.email for s in self._tables["staff"].visible()]
            if len(emails) != len(set(emails)):
                raise InvalidInput("Another staff member already uses this email.", field="email")
            check_at_commit(self._tables["services"], self._tables["appointments"])
            self.outbox.check()
            self.ledger.check()
            self.invoices.check()
            self.notes.check()
            for table in self._tables.values():
                table.apply()
            self.outbox.apply()
            self.session_links.apply()
            self.staff_tokens.apply()
            self.second_factors.apply()
            self.processor_events.apply()
            self.ledger.apply()
            self.invoices.apply()
            self.fee_overrides.apply()
            self.credentials.apply()
            self._store.history.extend(self.history.staged)
            self.history.staged.clear()
            COMMITS.count += 1

    async def rollback(self) -> None:
        for table in self._tables.values():
            table.staged.clear()
            table.expected.clear()
            table.events.clear()
        self.credentials.discard()
        self.outbox.discard()
        self.session_links.discard()
        self.staff_tokens.discard()
        self.second_factors.discard()
        self.processor_events.discard()
        self.ledger.staged.clear()
        self.invoices.discard()
        self.fee_overrides.staged.clear()
        self.history.staged.clear()


def memory_uow_factory(store: MemoryStore | None = None) -> Callable[[], MemoryUnitOfWork]:
    shared = store if store is not None else MemoryStore()
    return lambda: MemoryUnitOfWork(shared)


if TYPE_CHECKING:  # mypy holds this adapter to the port: every context's store at once
    _implements: type[UnitOfWork] = MemoryUnitOfWork
