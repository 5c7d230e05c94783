"""What the core needs from the outside world, as typing.Protocols named for the domain."""

from core.ports.cases import CaseListQuery, CaseRepository, CasesStore, HistoryRepository
from core.ports.directory import (
    CredentialRepository,
    DirectoryStore,
    OrganizationRepository,
    PersonRepository,
    SignedInRecord,
    StaffRepository,
)
from core.ports.documentation import DiagnosisRepository, DocumentationStore
from core.ports.scheduling import SchedulingCases, SchedulingStore
from core.ports.security import PasswordHasher
from core.ports.shared import AuditTrail, Clock, IdGenerator, Transaction
from core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "AuditTrail",
    "CaseListQuery",
    "CaseRepository",
    "CasesStore",
    "Clock",
    "CredentialRepository",
    "DiagnosisRepository",
    "DirectoryStore",
    "DocumentationStore",
    "HistoryRepository",
    "IdGenerator",
    "OrganizationRepository",
    "PasswordHasher",
    "PersonRepository",
    "SchedulingCases",
    "SchedulingStore",
    "SignedInRecord",
    "StaffRepository",
    "Transaction",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
