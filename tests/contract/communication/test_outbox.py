"""The outbox and its worker on every store: one message per delivery key, nothing queued by a
rolled-back change, claims that two workers never share, retries with backoff, then
"undelivered" — and "retry" / "mark handled" from there."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from adapters.system.clock import FixedClock
from core.domain.communication.messages import (
    DeliveryState,
    OutboundMessage,
    RetryPolicy,
)
from core.domain.directory.parties import Channel
from core.services.communication.delivery import DeliveryDeps, deliver_due

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def message(
    key: str, channel: Channel = Channel.EMAIL, *, to: str = "", due=NOW
) -> OutboundMessage:
    return OutboundMessage(
        id=uuid4(),
        delivery_key=key,
        channel=channel,
        to=to or ("sam@example.org" if channel is Channel.EMAIL else "+15555550100"),
        subject="Your session" if channel is Channel.EMAIL else "",
        body="Tuesday 10:00",
        due_at=due,
        created_at=NOW,
    )


async def queue(uow, *messages: OutboundMessage) -> list[bool]:
    async with uow() as u:
        queued = [await u.outbox.queue(m) for m in messages]
        await u.commit()
    return queued


def deps(uow, clock, email=None, sms=None, **kw) -> DeliveryDeps:
    return DeliveryDeps(
        uow=uow,
        clock=clock,
        email=email or MemoryEmailSender(),
        sms=sms or MemorySmsSender(),
        rng=random.Random(7),
        **kw,
    )


async def test_one_message_per_delivery_key_even_within_one_change(uow) -> None:
    first, again = message("reminder:a:p:48h"), message("reminder:a:p:48h")
    assert await queue(uow, first) == [True]
    assert await queue(uow, again) == [False]
    async with uow() as u:
        assert await u.outbox.queue(message("notice:x")) is True
        assert await u.outbox.queue(message("notice:x")) is False
        await u.commit()
    async with uow() as u:
        assert await u.outbox.count(DeliveryState.PENDING) == 2
        assert (await u.outbox.get(first.id)).delivery_key == "reminder:a:p:48h"
        assert await u.outbox.get(again.id) is None


async def test_a_rolled_back_change_queues_nothing_and_nothing_is_sent(uow) -> None:
    async with uow() as u:
        await u.outbox.queue(message("notice:rolled-back"))
        await u.rollback()
    email = MemoryEmailSender()
    assert (await deliver_due(deps(uow, FixedClock(NOW), email))).claimed == 0
    assert email.sent == []


async def test_due_messages_are_sent_once_by_channel_and_later_ones_wait(uow) -> None:
    clock = FixedClock(NOW)
    email, sms = MemoryEmailSender(), MemorySmsSender()
    now, later = message("a"), message("b", due=NOW + timedelta(hours=1))
    text = message("c", Channel.SMS)
    await queue(uow, now, later, text)
    done = await deliver_due(deps(uow, clock, email, sms))
    assert (done.claimed, done.sent) == (2, 2)
    assert [e.delivery_key for e in email.sent] == ["a"] and [s.delivery_key for s in sms.sent] == [
        "c"
    ]
    assert (await deliver_due(deps(uow, clock, email, sms))).claimed == 0  # sent stays sent
    clock.advance(timedelta(hours=1))
    assert (await deliver_due(deps(uow, clock, email, sms))).sent == 1
    async with uow() as u:
        sent = await u.outbox.get(now.id)
    assert sent.state is DeliveryState.SENT and sent.provider_id and sent.sent_at == NOW
    assert sent.attempts == 1


async def test_a_failing_server_is_retried_with_backoff_then_undelivered(uow) -> None:
    clock = FixedClock(NOW)
    email = MemoryEmailSender(down=True)
    policy = RetryPolicy(tries=3, first=timedelta(minutes=1), cap=timedelta(minutes=10))
    m = message("notice:down")
    await queue(uow, m)
    waits = []
    for _ in range(2):
        assert (await deliver_due(deps(uow, clock, email, policy=policy))).retrying == 1
        async with uow() as u:
            stored = await u.outbox.get(m.id)
        assert stored.state is DeliveryState.PENDING and "down" in stored.last_error
        waits.append(stored.due_at - clock.now())
        assert (await deliver_due(deps(uow, clock, email, policy=policy))).claimed == 0  # not yet
        clock.set(stored.due_at)
    assert timedelta(seconds=1) <= waits[0] <= timedelta(minutes=1)
    assert timedelta(seconds=1) <= waits[1] <= timedelta(minutes=2)
    assert (await deliver_due(deps(uow, clock, email, policy=policy))).undelivered == 1
    async with uow() as u:
        assert [x.id for x in await u.outbox.listing([DeliveryState.UNDELIVERED])] == [m.id]
        assert await u.outbox.count(DeliveryState.UNDELIVERED) == 1

    # The server is back: "retry" gives it fresh tries, and it goes.
    email.down = False
    async with uow() as u:
        assert await u.outbox.retry(m.id, clock.now()) is True
        await u.commit()
    assert (await deliver_due(deps(uow, clock, email, policy=policy))).sent == 1
    assert [e.delivery_key for e in email.sent] == ["notice:down"]


async def test_a_refused_address_is_undelivered_at_once_and_can_be_marked_handled(uow) -> None:
    email = MemoryEmailSender(refuse={"gone@example.org": True})
    m = message("notice:gone", to="gone@example.org")
    ok = message("notice:ok")
    await queue(uow, m, ok)
    done = await deliver_due(deps(uow, FixedClock(NOW), email))
    assert (done.sent, done.undelivered) == (1, 1)
    staff = uuid4()
    async with uow() as u:
        assert await u.outbox.mark_handled(m.id, staff) is True
        assert await u.outbox.mark_handled(ok.id, staff) is False  # only undelivered ones
        await u.commit()
    async with uow() as u:
        handled = await u.outbox.get(m.id)
    assert handled.state is DeliveryState.HANDLED and handled.handled_by == staff


async def test_dropping_pending_messages_by_key_prefix_keeps_the_sent_ones(uow) -> None:
    sent, pending = (
        message("reminder:a1:p:48h"),
        message("reminder:a1:p:24h", due=NOW + timedelta(days=1)),
    )
    other = message("reminder:a10:p:24h", due=NOW + timedelta(days=1))
    await queue(uow, sent, pending, other)
    await deliver_due(deps(uow, FixedClock(NOW)))
    async with uow() as u:
        assert await u.outbox.drop("reminder:a1:") == 1
        await u.commit()
    async with uow() as u:
        assert (await u.outbox.get(sent.id)).state is DeliveryState.SENT
        assert await u.outbox.get(pending.id) is None
        assert await u.outbox.get(other.id) is not None


async def test_two_workers_at_once_send_every_message_exactly_once(uow) -> None:
    await queue(uow, *(message(f"notice:{i}") for i in range(40)))
    email = MemoryEmailSender()
    clock = FixedClock(NOW)
    workers = [deps(uow, clock, email, batch=7) for _ in range(2)]

    async def drain(d: DeliveryDeps) -> None:
        while (await deliver_due(d)).claimed:
            await asyncio.sleep(0)

    await asyncio.gather(*(drain(d) for d in workers))
    keys = [e.delivery_key for e in email.sent]
    assert sorted(keys) == sorted(f"notice:{i}" for i in range(40))
    assert len(keys) == len(set(keys))


async def test_a_claim_whose_worker_died_comes_back_after_its_lease(uow) -> None:
    await queue(uow, message("notice:lease"))
    async with uow() as u:
        assert len(await u.outbox.claim(NOW, 10, timedelta(minutes=5))) == 1
        await u.commit()  # ... and the worker dies before sending
    clock = FixedClock(NOW + timedelta(minutes=4))
    assert (await deliver_due(deps(uow, clock))).claimed == 0
    clock.advance(timedelta(minutes=1))
    done = await deliver_due(deps(uow, clock))
    assert done.sent == 1


async def test_an_expired_message_is_not_claimed_and_the_sweep_drops_it(uow) -> None:
    from datetime import UTC, datetime, timedelta
    from uuid import uuid4

    from core.domain.communication.messages import DeliveryState, OutboundMessage
    from core.domain.directory.parties import Channel

    now = datetime(2026, 3, 1, 12, tzinfo=UTC)

    def message(key: str, expires: datetime | None) -> OutboundMessage:
        return OutboundMessage(
            id=uuid4(),
            delivery_key=key,
            channel=Channel.EMAIL,
            to="a@ex.org",
            subject="s",
            body="b",
            due_at=now - timedelta(hours=1),
            expires_at=expires,
            created_at=now,
        )

    async with uow() as u:
        await u.outbox.queue(message("late", now - timedelta(minutes=1)))
        await u.outbox.queue(message("fine", now + timedelta(hours=1)))
        await u.outbox.queue(message("never", None))
        await u.commit()
    async with uow() as u:
        claimed = await u.outbox.claim(now, 10, timedelta(minutes=5))
        await u.commit()
    assert sorted(m.delivery_key for m in claimed) == ["fine", "never"]
    async with uow() as u:
        assert await u.outbox.drop_expired(now) == 1
        await u.commit()
    async with uow() as u:
        left = await u.outbox.listing([DeliveryState.PENDING])
    assert sorted(m.delivery_key for m in left) == ["fine", "never"]
