"""Delivering the outbox: claim a batch, hand it to each channel's sender, record the answers.

A claim commits before anything is sent, so a slow provider never holds a transaction (or, on
SQLite, the write lock); the answers are recorded in a second transaction. A worker that dies in
between leaves its batch claimed until the lease ends, then another worker sends it again — at
least once to the provider, never twice in the normal course (`claim` hands each message to one
worker only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from core.domain.communication.messages import (
    OutboundMessage,
    RetryPolicy,
    SendResult,
    as_email,
    as_sms,
)
from core.domain.directory.parties import Channel
from core.ports.communication import CommunicationStore, DeliveryFailed, EmailSender, SmsSender
from core.ports.shared import Clock

log = logging.getLogger("hearth.worker")


@dataclass(frozen=True, kw_only=True)
class DeliveryDeps:
    uow: Callable[[], CommunicationStore]
    clock: Clock
    email: EmailSender
    sms: SmsSender
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    rng: random.Random = field(default_factory=random.Random)
    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    # Work the worker does now and then besides delivering (e.g. queueing the reminders of
    # sessions coming into the horizon), every `sweep_every`.
    sweep: Callable[[], Awaitable[object]] | None = None
    sweep_every: timedelta = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class DeliveryRound:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    undelivered: int = 0


async def _answers(
    deps: DeliveryDeps, claimed: Sequence[OutboundMessage]
) -> dict[UUID, SendResult]:
    answers: dict[UUID, SendResult] = {}
    for channel, group in (
        (Channel.EMAIL, [m for m in claimed if m.channel is Channel.EMAIL]),
        (Channel.SMS, [m for m in claimed if m.channel is Channel.SMS]),
    ):
        if not group:
            continue
        try:
            if channel is Channel.EMAIL:
                results = await deps.email.send_all([as_email(m) for m in group])
            else:
                results = await deps.sms.send_all([as_sms(m) for m in group])
        except DeliveryFailed as exc:
            results = [SendResult(m.id, error=str(exc)) for m in group]
        except Exception as exc:  # a sender's bug must not lose the batch's tries
            log.exception("%s sender failed", channel.value)
            results = [SendResult(m.id, error=f"sender error: {type(exc).__name__}") for m in group]
        answers.update((r.message_id, r) for r in results)
    return answers


async def deliver_due(deps: DeliveryDeps) -> DeliveryRound:
    """One round: the due messages of one batch, sent and recorded."""
    async with deps.uow() as uow:
        claimed = await uow.outbox.claim(deps.clock.now(), deps.batch, deps.lease)
        await uow.commit()
    if not claimed:
        return DeliveryRound()
    answers = await _answers(deps, claimed)
    at = deps.clock.now()
    sent = retrying = undelivered = 0
    async with deps.uow() as uow:
        for message in claimed:
            result = answers.get(message.id) or SendResult(message.id, error="no answer")
            retry_at = None
            if result.accepted:
                sent += 1
            elif not result.permanent and (
                retry_at := deps.policy.next_try(message.attempts, at, deps.rng)
            ):
                retrying += 1
            else:
                undelivered += 1
            await uow.outbox.record(message.id, result, at, retry_at)
        await uow.commit()
    if retrying or undelivered:
        log.warning(
            "delivery round: %d sent, %d to retry, %d undelivered", sent, retrying, undelivered
        )
    return DeliveryRound(len(claimed), sent, retrying, undelivered)


async def run_worker(deps: DeliveryDeps, stop: asyncio.Event, idle: float = 2.0) -> None:
    """Deliver until `stop` is set: full batches back to back, then a pause of `idle` seconds.
    A failed round (the database is away) is logged and tried again after the pause."""
    swept_at: float | None = None
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        if deps.sweep is not None and (
            swept_at is None or loop.time() - swept_at >= deps.sweep_every.total_seconds()
        ):
            swept_at = loop.time()
            try:
                await deps.sweep()
            except Exception:
                log.exception("sweep failed")
        try:
            done = await deliver_due(deps)
        except Exception:
            log.exception("delivery round failed")
            done = DeliveryRound()
        if done.claimed < deps.batch:
            with contextlib.suppress(TimeoutError):  # the pause is over: the next round
                await asyncio.wait_for(stop.wait(), timeout=idle)
