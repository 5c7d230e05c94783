"""What every use case takes: a command, the ports, and a staff actor."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from core.domain.cases.access import Actor, StaffActor
from core.domain.shared.errors import Forbidden
from core.ports import AuditTrail, Clock, IdGenerator, UnitOfWorkFactory
from core.services.shared.bus import MessageBus


class Command(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every command a use case takes."""


class View(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every read model: the shape a screen (or the JSON API) renders."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Deps:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    audit: AuditTrail  # every read of a client's record and every sign-in writes to it
    # The handlers of every context (wired in bootstrap.py); without them a change records no
    # history and triggers nothing in other contexts.
    bus: MessageBus = field(default_factory=MessageBus)


def staff_actor(actor: Actor | None) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members can do this.")
    return actor
