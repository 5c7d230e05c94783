"""First-class in-memory stores, one module per context."""

from adapters.persistence.memory.store import MemoryStore, Repository, Table
from adapters.persistence.memory.unit_of_work import MemoryUnitOfWork, memory_uow_factory

__all__ = [
    "MemoryStore",
    "MemoryUnitOfWork",
    "Repository",
    "Table",
    "memory_uow_factory",
]
