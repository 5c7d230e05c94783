"""What the core needs from the outside world, as typing.Protocols named for the domain."""

from core.ports.clock import Clock, IdGenerator
from core.ports.security import PasswordHasher
from core.ports.unit_of_work import (
    CaseListQuery,
    CaseRepository,
    CredentialRepository,
    HistoryRepository,
    OrganizationRepository,
    PersonRepository,
    StaffRepository,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
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
