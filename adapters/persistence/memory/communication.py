"""The outbox in memory. Queued and recorded changes are staged and applied at commit, like
the SQL adapter's (a rolled-back change queues nothing); a claim's lease takes effect at once,
under the store's lock, which is what makes two workers' claims disjoint (a claim that is rolled
back only delays its messages until the lease ends)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from adapters.persistence.memory.store import MemoryStore
from core.domain.communication.messages import DeliveryState, OutboundMessage, SendResult
from core.domain.directory.parties import Channel

MAX_ERROR = 500


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[UUID, OutboundMessage] = store.tables["outbox"]
        self._leases: dict[UUID, datetime] = store.tables["outbox_leases"]
        self._staged: dict[UUID, OutboundMessage | None] = {}  # None: dropped

    def _visible(self) -> list[OutboundMessage]:
        rows = {**self._rows, **self._staged}
        return [m for m in rows.values() if m is not None]

    def _current(self, message_id: UUID) -> OutboundMessage | None:
        found = self._staged.get(message_id, self._rows.get(message_id))
        return copy.deepcopy(found)

    def _stage(self, message: OutboundMessage, **changes: Any) -> None:
        self._staged[message.id] = dataclasses.replace(message, **changes)

    async def queue(self, message: OutboundMessage) -> bool:
        with self._store.lock:
            if any(m.delivery_key == message.delivery_key for m in self._visible()):
                return False
        self._staged[message.id] = copy.deepcopy(message)
        return True

    async def drop_expired(self, now: datetime) -> int:
        dropped = [
            m
            for m in self._visible()
            if m.state is DeliveryState.PENDING and m.expires_at and m.expires_at <= now
        ]
        for m in dropped:
            self._staged[m.id] = None
        return len(dropped)

    async def drop(self, delivery_key_prefix: str) -> int:
        dropped = [
            m
            for m in self._visible()
            if m.state is DeliveryState.PENDING and m.delivery_key.startswith(delivery_key_prefix)
        ]
        for m in dropped:
            self._staged[m.id] = None
        return len(dropped)

    async def drop_to(self, channel: Channel, recipient: str) -> int:
        dropped = [
            m
            for m in self._visible()
            if m.state is DeliveryState.PENDING and m.channel is channel and m.to == recipient
        ]
        for m in dropped:
            self._staged[m.id] = None
        return len(dropped)

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[OutboundMessage]:
        with self._store.lock:
            due = sorted(
                (
                    m
                    for m in self._visible()
                    if m.state is DeliveryState.PENDING
                    and m.due_at <= now
                    and self._leases.get(m.id, now) <= now
                    and (m.expires_at is None or m.expires_at > now)
                ),
                key=lambda m: (m.due_at, str(m.id)),
            )[:limit]
            for m in due:
                self._leases[m.id] = now + lease
        for m in due:
            self._stage(m, attempts=m.attempts + 1)
        return [self._current(m.id) for m in due]  # type: ignore[misc]

    async def record(
        self, message_id: UUID, result: SendResult, at: datetime, retry_at: datetime | None
    ) -> None:
        message = self._current(message_id)
        if message is None:
            return
        self._leases.pop(message_id, None)
        if result.accepted:
            self._stage(
                message,
                state=DeliveryState.SENT,
                provider_id=result.provider_id[:100],
                sent_at=at,
                last_error="",
            )
        elif retry_at is None:
            self._stage(
                message, state=DeliveryState.UNDELIVERED, last_error=result.error[:MAX_ERROR]
            )
        else:
            self._stage(message, due_at=retry_at, last_error=result.error[:MAX_ERROR])

    async def record_many(
        self, answers: Sequence[tuple[UUID, SendResult, datetime | None]], at: datetime
    ) -> None:
        for message_id, result, retry_at in answers:
            await self.record(message_id, result, at, retry_at)

    async def get(self, message_id: UUID) -> OutboundMessage | None:
        return self._current(message_id)

    async def listing(
        self, states: Sequence[DeliveryState], limit: int = 200
    ) -> list[OutboundMessage]:
        rows = [m for m in self._visible() if m.state in states]
        rows.sort(key=lambda m: str(m.id))
        rows.sort(key=lambda m: m.due_at, reverse=True)
        return copy.deepcopy(rows[:limit])

    async def count(self, state: DeliveryState) -> int:
        return sum(1 for m in self._visible() if m.state is state)

    async def retry(self, message_id: UUID, at: datetime) -> bool:
        message = self._current(message_id)
        if message is None or message.state is not DeliveryState.UNDELIVERED:
            return False
        self._leases.pop(message_id, None)
        self._stage(message, state=DeliveryState.PENDING, due_at=at, attempts=0)
        return True

    async def mark_handled(self, message_id: UUID, by: UUID) -> bool:
        message = self._current(message_id)
        if message is None or message.state is not DeliveryState.UNDELIVERED:
            return False
        self._stage(message, state=DeliveryState.HANDLED, handled_by=by)
        return True

    def check(self) -> None:
        """At commit: a key queued by another unit of work since this one looked wins."""
        keys = {
            m.delivery_key
            for message_id, m in self._rows.items()
            if not (message_id in self._staged and self._staged[message_id] is None)
        }
        for message_id, m in list(self._staged.items()):
            if m is not None and message_id not in self._rows and m.delivery_key in keys:
                del self._staged[message_id]

    def apply(self) -> None:
        for message_id, m in self._staged.items():
            if m is None:
                self._rows.pop(message_id, None)
            else:
                self._rows[message_id] = m
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()
