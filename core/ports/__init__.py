"""What the core needs from the outside world, as typing.Protocols named for the domain."""

from core.ports.cases import CaseListQuery, CaseRepository, HistoryRepository
from core.ports.directory import (
    CredentialRepository,
    OrganizationRepository,
    PersonRepository,
    StaffRepository,
)
from core.ports.security import PasswordHasher
from core.ports.shared import AuditTrail, Clock, IdGenerator
from core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "AuditTrail",
    "CaseListQuery",
    "CaseRepository",
    "Clock",
    "CredentialRepository",
    "HistoryRepository",
    "IdGenerator",
    "OrganizationRepository",
    "PasswordHasher",
    "PersonRepository",
    "StaffRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
