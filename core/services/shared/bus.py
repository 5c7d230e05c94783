"""The message bus: hands the events of one unit of work to the handlers of every context,
in the same transaction, before it commits (cosmicpython's bus, kept small).

Handlers are registered by event type in `bootstrap.py`; a handler for a base class sees every
event derived from it. Events that a handler's changes record are handled too, and remember
which event caused them, so the history of one intent reads as one entry ("Closed on 4 Feb.
Cancelled 6 scheduled sessions to come."). What must happen only once the transaction is
durable (an email, a processor call) goes on `after_commit`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from core.domain.cases.access import Actor
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import StaffId
from core.ports import UnitOfWork

log = logging.getLogger("hearth.bus")

Handler = Callable[[Any, "HandlerContext"], Awaitable[None]]
Finisher = Callable[["HandlerContext"], Awaitable[None]]
AfterCommit = Callable[[], Awaitable[None]]


@dataclass(slots=True)
class Narration:
    """What one intent did to one case, in words for its history."""

    case_id: UUID
    action: str
    summary: str
    clinical: bool = False


@dataclass(slots=True)
class HandlerContext:
    """What a handler gets besides its event: the open unit of work, who is acting (and for
    whom), the ports, and the lines the intent leaves in case histories."""

    uow: UnitOfWork
    deps: Any  # the use case's Deps (or a context's own, e.g. SchedulingDeps)
    actor: Actor | None = None
    on_behalf_of: StaffId | None = None
    events: list[DomainEvent] = field(default_factory=list)  # every event handled, in order
    narrations: list[Narration] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)
    _causes: dict[int, DomainEvent] = field(default_factory=dict)
    _told: dict[int, Narration] = field(default_factory=dict)

    def narrate(
        self, event: DomainEvent, case_id: UUID, action: str, summary: str, clinical: bool = False
    ) -> None:
        """Say what `event` did. An event caused by another that was narrated adds its words to
        that line: one intent, one entry."""
        cause = self._causes.get(id(event))
        line = self._told.get(id(cause)) if cause is not None else None
        if line is not None:
            line.summary = f"{line.summary} {summary}"
        else:
            line = Narration(case_id, action, summary, clinical)
            self.narrations.append(line)
        self._told[id(event)] = line


class MessageBus:
    def __init__(
        self,
        handlers: Mapping[type[DomainEvent], Sequence[Handler]] | None = None,
        finishers: Sequence[Finisher] = (),
    ) -> None:
        self._handlers = {k: list(v) for k, v in (handlers or {}).items()}
        self._finishers = list(finishers)

    def handlers_for(self, event_type: type[DomainEvent]) -> list[Handler]:
        return [h for base in event_type.__mro__ for h in self._handlers.get(base, ())]

    async def dispatch(self, ctx: HandlerContext) -> None:
        queue = deque(ctx.uow.collect_events())
        while queue:
            event = queue.popleft()
            ctx.events.append(event)
            for handler in self.handlers_for(type(event)):
                await handler(event, ctx)
                for caused in ctx.uow.collect_events():
                    ctx._causes[id(caused)] = event
                    queue.append(caused)
        for finish in self._finishers:
            await finish(ctx)


async def commit(
    deps: Any, uow: UnitOfWork, actor: Actor | None = None, *, on_behalf_of: StaffId | None = None
) -> None:
    """Hand the unit of work's events to the handlers, commit, then run what waited for the
    commit. Every use case that changes an aggregate commits through this."""
    ctx = HandlerContext(uow=uow, deps=deps, actor=actor, on_behalf_of=on_behalf_of)
    await deps.bus.dispatch(ctx)
    await uow.commit()
    for job in ctx.after_commit:
        try:
            await job()
        except Exception:
            # The change is durable: failing the request now would invite a second one. What
            # failed is logged without content (the outbox makes delivery retryable).
            log.exception("after-commit step %s failed", getattr(job, "__qualname__", "?"))
