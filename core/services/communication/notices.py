"""Notices of sessions booked, moved and cancelled, queued from the scheduling events in the
transaction of the change (a rolled-back booking queues nothing; a handler that runs twice
queues each notice once, by its delivery key)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.domain.communication.notices import NoticeKind, plan_notices
from core.domain.scheduling.events import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentEvent,
    AppointmentMoved,
    UpcomingSessionsCancelled,
)
from core.services.communication.link_book import LinkBook
from core.services.communication.reminders import PolicySource
from core.services.shared.bus import HandlerContext

KINDS: dict[type[Any], NoticeKind] = {
    AppointmentBooked: NoticeKind.BOOKED,
    AppointmentMoved: NoticeKind.MOVED,
    AppointmentCancelled: NoticeKind.CANCELLED,
    UpcomingSessionsCancelled: NoticeKind.CANCELLED,
}


def handlers(
    policy_of: PolicySource,
) -> dict[type[Any], list[Callable[[Any, HandlerContext], Awaitable[None]]]]:
    async def notify(
        event: AppointmentEvent | UpcomingSessionsCancelled, ctx: HandlerContext
    ) -> None:
        kind = KINDS[type(event)]
        found = await ctx.uow.appointments.get_many(event.appointment_ids)
        if not found:
            return
        case = await ctx.uow.cases.get(event.case_id)
        if case is None:
            return
        people = await ctx.uow.people.get_many(set(case.communication))
        policy = await policy_of(ctx.uow)
        now = ctx.deps.clock.now()
        book = LinkBook(policy, now, ctx.deps.ids)
        planned = plan_notices(
            kind, list(found.values()), case, people, policy, now, ctx.deps.ids.new, book.maker
        )
        await book.queue(ctx.uow, planned)

    return {kind: [notify] for kind in KINDS}
