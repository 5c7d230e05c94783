"""Domain events: what happened in an aggregate, in the aggregate's own words.

An aggregate records events as its methods change it; the unit of work takes them when the
aggregate is stored, and the message bus hands them to the handlers of every context before the
transaction commits. Events carry ids and values, never display names: a handler that writes
for people (the case history) looks the names up itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from core.domain.shared.audit import AuditAction


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event. `audited` says what the audit log records of it: the action, the
    kind of object, and the field (a dotted path) holding the object's id — or ids."""

    audited: ClassVar[tuple[AuditAction, str, str] | None] = None


@dataclass(slots=True)
class EventLog:
    """The events an aggregate recorded since it was loaded. Not part of its state: a store
    never keeps it, and two aggregates that differ only in it are equal."""

    pending: list[DomainEvent] = field(default_factory=list)

    def record(self, event: DomainEvent) -> None:
        self.pending.append(event)

    def pull(self) -> list[DomainEvent]:
        taken, self.pending = self.pending, []
        return taken

    def __deepcopy__(self, memo: dict[int, object]) -> EventLog:
        # A copy of an aggregate (a store's snapshot) starts with no events of its own.
        return EventLog()
