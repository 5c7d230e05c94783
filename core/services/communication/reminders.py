"""Reminders kept in step with the schedule, from domain events, in the transaction of the
change: a session booked gets its reminders queued, moved gets them replaced, cancelled gets
them dropped; a change of who receives a case's messages re-plans its sessions to come. Every
step is idempotent (delivery keys), so a handler that runs twice, and the worker's sweep that
queues the reminders of sessions coming into the horizon, never queue one twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from core.domain.cases.events import (
    CaseEvent,
    CommunicationSet,
    HelperRevoked,
    MemberLeft,
    PayerEnded,
)
from core.domain.communication.reminders import ReminderPolicy, key_prefix, plan
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.events import AppointmentEvent, UpcomingSessionsCancelled
from core.domain.shared.values import CaseId
from core.ports import UnitOfWork
from core.ports.shared import Clock, IdGenerator
from core.services.communication.link_book import LinkBook
from core.services.shared.bus import HandlerContext

PolicySource = Callable[[UnitOfWork], Awaitable[ReminderPolicy]]


async def _replan(
    uow: UnitOfWork,
    appointments: Iterable[Appointment],
    policy: ReminderPolicy,
    clock: Clock,
    ids: IdGenerator,
    *,
    replace: bool,
) -> int:
    """Queue the reminders these sessions should have; with `replace`, drop their pending
    ones first (their time, status or recipients changed). Two reads for any number."""
    now = clock.now()
    chosen = [a for a in appointments if a.start < now + policy.horizon]
    if replace:
        for a in appointments:
            await uow.outbox.drop(key_prefix(a.id))
    live = [a for a in chosen if a.status is AppointmentStatus.SCHEDULED and a.start > now]
    if not live:
        return 0
    cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in live})}
    wanted = {p for c in cases.values() for p in c.communication}
    people = await uow.people.get_many(wanted)
    book = LinkBook(policy, now, ids)
    planned = []
    for a in live:
        case = cases.get(a.case_id)
        if case is not None:
            planned += plan(a, case, people, policy, now, ids.new, book.maker)
    return await book.queue(uow, planned)


def handlers(
    policy_of: PolicySource,
) -> dict[type[Any], list[Callable[[Any, HandlerContext], Awaitable[None]]]]:
    """The bus handlers of reminders, reading the practice's policy with `policy_of`."""

    async def on_appointments(
        event: AppointmentEvent | UpcomingSessionsCancelled, ctx: HandlerContext
    ) -> None:
        found = await ctx.uow.appointments.get_many(event.appointment_ids)
        policy = await policy_of(ctx.uow)
        await _replan(ctx.uow, found.values(), policy, ctx.deps.clock, ctx.deps.ids, replace=True)

    async def on_case(event: CaseEvent, ctx: HandlerContext) -> None:
        policy = await policy_of(ctx.uow)
        now = ctx.deps.clock.now()
        coming = await ctx.uow.appointments.for_case(
            CaseId(event.case_id), start=now, end=now + policy.horizon
        )
        await _replan(ctx.uow, coming, policy, ctx.deps.clock, ctx.deps.ids, replace=True)

    return {
        AppointmentEvent: [on_appointments],
        UpcomingSessionsCancelled: [on_appointments],
        # Who receives the case's messages changed: its sessions to come are planned again.
        **{kind: [on_case] for kind in (CommunicationSet, MemberLeft, HelperRevoked, PayerEnded)},
    }


async def queue_coming(
    uow_factory: Callable[[], UnitOfWork],
    policy_of: PolicySource,
    clock: Clock,
    ids: IdGenerator,
) -> int:
    """The worker's sweep: queue the reminders of every session that came into the horizon
    since the last sweep (those already queued or sent are skipped by their keys)."""
    async with uow_factory() as uow:
        policy = await policy_of(uow)
        now: datetime = clock.now()
        await uow.outbox.drop_expired(now)  # too late to be worth sending
        await uow.session_links.drop_expired(now)  # and their links, never used
        coming = await uow.appointments.for_providers(None, now, now + policy.horizon)
        queued = await _replan(uow, coming, policy, clock, ids, replace=False)
        await uow.commit()
    return queued
