"""The outbox on SQL. Claiming is one statement, `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
SKIP LOCKED) RETURNING`: on PostgreSQL two workers skip each other's rows instead of waiting or
taking the same ones; on SQLite (which has no row locks, and SQLAlchemy drops the clause) the
single writer's lock serializes claims. Either way a claimed row carries a lease
(`claimed_until`), so a worker that dies mid-batch hands its messages back when it runs out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.communication.messages import (
    DeliveryState,
    OutboundMessage,
    SendResult,
)
from core.domain.directory.parties import Channel

_o = t.outbox
PENDING = DeliveryState.PENDING.value
MAX_ERROR = 500


def _message(row: sa.Row[Any]) -> OutboundMessage:
    return OutboundMessage(
        id=row.id,
        delivery_key=row.delivery_key,
        channel=Channel(row.channel),
        to=row.recipient,
        subject=row.subject,
        body=row.body,
        html=row.html,
        calendar=row.calendar,
        due_at=row.due_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
        person_id=row.person_id,
        case_id=row.case_id,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
        provider_id=row.provider_id,
        sent_at=row.sent_at,
        handled_by=row.handled_by,
    )


def outbox_values(message: OutboundMessage) -> dict[str, Any]:
    """A message as its row (the benchmark's generator writes rows with it too)."""
    return {
        "id": message.id,
        "delivery_key": message.delivery_key,
        "channel": message.channel.value,
        "recipient": message.to,
        "subject": message.subject,
        "body": message.body,
        "html": message.html,
        "calendar": message.calendar,
        "person_id": message.person_id,
        "case_id": message.case_id,
        "state": message.state.value,
        "due_at": message.due_at,
        "expires_at": message.expires_at,
        "claimed_until": None,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "provider_id": message.provider_id,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
        "handled_by": message.handled_by,
    }


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"


def claim_query(now: datetime, limit: int) -> sa.Select[Any]:
    """The due messages a claim takes: one range of the (state, due_at) index, in time order
    (bench/dispatch.py checks the plan at 1.5 million rows)."""
    return (
        sa.select(_o.c.id)
        .where(
            _o.c.state == PENDING,
            _o.c.due_at <= now,
            sa.or_(_o.c.claimed_until.is_(None), _o.c.claimed_until <= now),
            sa.or_(_o.c.expires_at.is_(None), _o.c.expires_at > now),
        )
        .order_by(_o.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


class SqlOutbox:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def queue(self, message: OutboundMessage) -> bool:
        insert = postgresql.insert if self._conn.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(_o)
            .values(**outbox_values(message))
            .on_conflict_do_nothing(index_elements=["delivery_key"])
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def drop_expired(self, now: datetime) -> int:
        statement = sa.delete(_o).where(
            _o.c.state == PENDING, _o.c.expires_at.is_not(None), _o.c.expires_at <= now
        )
        return (await self._conn.execute(statement)).rowcount

    async def drop(self, delivery_key_prefix: str) -> int:
        statement = sa.delete(_o).where(
            _o.c.state == PENDING,
            _o.c.delivery_key.like(_like_prefix(delivery_key_prefix), escape="\\"),
        )
        return (await self._conn.execute(statement)).rowcount

    async def drop_to(self, channel: Channel, recipient: str) -> int:
        statement = sa.delete(_o).where(
            _o.c.state == PENDING, _o.c.channel == channel.value, _o.c.recipient == recipient
        )
        return (await self._conn.execute(statement)).rowcount

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[OutboundMessage]:
        due = claim_query(now, limit)
        statement = (
            sa.update(_o)
            .where(_o.c.id.in_(due.scalar_subquery()))
            .values(claimed_until=now + lease, attempts=_o.c.attempts + 1)
            .returning(*_o.c)
        )
        rows = (await self._conn.execute(statement)).all()
        return sorted((_message(r) for r in rows), key=lambda m: (m.due_at, str(m.id)))

    async def record(
        self, message_id: UUID, result: SendResult, at: datetime, retry_at: datetime | None
    ) -> None:
        await self.record_many([(message_id, result, retry_at)], at)

    async def record_many(
        self, answers: Sequence[tuple[UUID, SendResult, datetime | None]], at: datetime
    ) -> None:
        sent = [{"_id": i, "_provider": r.provider_id[:100]} for i, r, _ in answers if r.accepted]
        if sent:  # the usual answer: one statement, executed for every row at once
            await self._conn.execute(
                sa.update(_o)
                .where(_o.c.id == sa.bindparam("_id"))
                .values(
                    state=DeliveryState.SENT.value,
                    provider_id=sa.bindparam("_provider"),
                    sent_at=at,
                    last_error="",
                    claimed_until=None,
                ),
                sent,
            )
        for message_id, result, retry_at in answers:
            if result.accepted:
                continue
            values: dict[str, Any] = {"claimed_until": None}
            values["last_error"] = result.error[:MAX_ERROR]
            if retry_at is None:
                values["state"] = DeliveryState.UNDELIVERED.value
            else:
                values["due_at"] = retry_at
            await self._conn.execute(sa.update(_o).where(_o.c.id == message_id).values(**values))

    async def get(self, message_id: UUID) -> OutboundMessage | None:
        row = (await self._conn.execute(sa.select(_o).where(_o.c.id == message_id))).first()
        return None if row is None else _message(row)

    async def listing(
        self, states: Sequence[DeliveryState], limit: int = 200
    ) -> list[OutboundMessage]:
        query = (
            sa.select(_o)
            .where(_o.c.state.in_([s.value for s in states]))
            .order_by(_o.c.due_at.desc(), _o.c.id)
            .limit(limit)
        )
        return [_message(r) for r in (await self._conn.execute(query)).all()]

    async def count(self, state: DeliveryState) -> int:
        query = sa.select(sa.func.count()).select_from(_o).where(_o.c.state == state.value)
        return (await self._conn.execute(query)).scalar_one()

    async def retry(self, message_id: UUID, at: datetime) -> bool:
        statement = (
            sa.update(_o)
            .where(_o.c.id == message_id, _o.c.state == DeliveryState.UNDELIVERED.value)
            .values(state=PENDING, due_at=at, attempts=0, claimed_until=None)
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def mark_handled(self, message_id: UUID, by: UUID) -> bool:
        statement = (
            sa.update(_o)
            .where(_o.c.id == message_id, _o.c.state == DeliveryState.UNDELIVERED.value)
            .values(state=DeliveryState.HANDLED.value, handled_by=by)
        )
        return (await self._conn.execute(statement)).rowcount == 1
