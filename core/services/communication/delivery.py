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


class _Recorder:
    """Records answers while the batch is still being sent: each flush writes whatever arrived
    since the last one, in one transaction. A worker killed mid-batch has then recorded all but
    the answers of the last moment, and only those messages (and the one in flight) are sent
    again when its lease ends."""

    def __init__(self, deps: DeliveryDeps, claimed: Sequence[OutboundMessage]) -> None:
        self._deps = deps
        self._claimed = {m.id: m for m in claimed}
        self._waiting: list[SendResult] = []
        self._arrived = asyncio.Event()
        self._done = False
        self.tally = {"sent": 0, "retrying": 0, "undelivered": 0}

    def answered(self, result: SendResult) -> None:
        if result.message_id in self._claimed:
            self._waiting.append(result)
            self._arrived.set()

    def finish(self, answers: Sequence[SendResult]) -> None:
        """The batch is over: whatever was not answered one by one (a batch that failed as a
        whole, a message the sender skipped) is answered now."""
        told = {r.message_id for r in answers}
        for message_id in self._claimed:
            if message_id not in told:
                self.answered(SendResult(message_id, error="no answer"))
        self._done = True
        self._arrived.set()

    async def run(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            batch, self._waiting = self._waiting, []
            if batch:
                await self._flush(batch)
            if self._done and not self._waiting:
                return

    async def _flush(self, results: Sequence[SendResult]) -> None:
        deps = self._deps
        at = deps.clock.now()
        answers = []
        for result in results:
            message = self._claimed.pop(result.message_id, None)
            if message is None:
                continue  # answered twice (a sender's bug): the first answer stands
            retry_at = None
            if result.accepted:
                self.tally["sent"] += 1
            elif not result.permanent and (
                retry_at := deps.policy.next_try(message.attempts, at, deps.rng)
            ):
                self.tally["retrying"] += 1
            else:
                self.tally["undelivered"] += 1
            answers.append((message.id, result, retry_at))
        async with deps.uow() as uow:
            await uow.outbox.record_many(answers, at)
            await uow.commit()


async def _send(
    deps: DeliveryDeps, claimed: Sequence[OutboundMessage], recorder: _Recorder
) -> list[SendResult]:
    answers: list[SendResult] = []
    for channel in (Channel.EMAIL, Channel.SMS):
        group = [m for m in claimed if m.channel is channel]
        if not group:
            continue
        try:
            if channel is Channel.EMAIL:
                results = await deps.email.send_all([as_email(m) for m in group], recorder.answered)
            else:
                results = await deps.sms.send_all([as_sms(m) for m in group], recorder.answered)
        except DeliveryFailed as exc:
            results = [SendResult(m.id, error=str(exc)) for m in group]
            for r in results:
                recorder.answered(r)
        except Exception as exc:  # a sender's bug must not lose the batch's tries
            log.exception("%s sender failed", channel.value)
            results = [SendResult(m.id, error=f"sender error: {type(exc).__name__}") for m in group]
            for r in results:
                recorder.answered(r)
        answers += results
    return answers


async def deliver_due(deps: DeliveryDeps) -> DeliveryRound:
    """One round: the due messages of one batch, sent, and recorded as they are answered."""
    async with deps.uow() as uow:
        claimed = await uow.outbox.claim(deps.clock.now(), deps.batch, deps.lease)
        await uow.commit()
    if not claimed:
        return DeliveryRound()
    recorder = _Recorder(deps, claimed)
    recording = asyncio.create_task(recorder.run())
    try:
        recorder.finish(await _send(deps, claimed, recorder))
    finally:
        if not recorder._done:  # sending was cancelled: record what was answered so far
            recorder.finish([])
        await recording
    t = recorder.tally
    if t["retrying"] or t["undelivered"]:
        log.warning(
            "delivery round: %d sent, %d to retry, %d undelivered",
            t["sent"],
            t["retrying"],
            t["undelivered"],
        )
    return DeliveryRound(len(claimed), t["sent"], t["retrying"], t["undelivered"])


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
