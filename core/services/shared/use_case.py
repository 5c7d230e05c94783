"""What every use case takes: a command, the ports, and a staff actor."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from core.domain.cases.access import Actor, StaffActor
from core.domain.shared.errors import Forbidden
from core.ports import AuditTrail, Clock, IdGenerator, UnitOfWorkFactory


class Command(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every command a use case takes."""


class View(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every read model: the shape a screen (or the JSON API) renders."""


@dataclass(frozen=True, slots=True)
class Deps:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    audit: AuditTrail  # every read of a client's record and every sign-in writes to it


def staff_actor(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members can do this.")
    return actor
