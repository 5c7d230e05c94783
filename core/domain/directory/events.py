"""Events of the directory."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.shared.audit import AuditAction
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import PersonId


@dataclass(frozen=True, kw_only=True)
class PersonRegistered(DomainEvent):
    """A new person in the directory (on their own, or with the case change that adds them)."""

    audited = (AuditAction.CREATE, "person", "person_id")
    person_id: PersonId
