"""The delivery worker's loop and its retry policy, on the memory adapters."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.system.clock import FixedClock
from core.domain.communication.messages import RetryPolicy
from core.services.communication.delivery import DeliveryDeps, run_worker

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_backoff_grows_with_each_failure_within_its_cap_and_then_gives_up() -> None:
    policy = RetryPolicy(tries=5, first=timedelta(minutes=1), cap=timedelta(minutes=5))
    rng = random.Random(1)
    for failures, ceiling in ((1, 1), (2, 2), (3, 4), (4, 5)):
        waits = [policy.next_try(failures, NOW, rng) - NOW for _ in range(200)]
        assert all(timedelta(seconds=1) <= w <= timedelta(minutes=ceiling) for w in waits)
        assert max(waits) > timedelta(minutes=ceiling) * 0.8  # jitter spreads over the range
    assert policy.next_try(5, NOW, rng) is None


async def test_the_worker_sweeps_then_delivers_until_stopped() -> None:
    stop = asyncio.Event()
    swept: list[int] = []

    async def sweep() -> None:
        swept.append(1)
        stop.set()  # one round is enough to see the order

    deps = DeliveryDeps(
        uow=memory_uow_factory(),
        clock=FixedClock(NOW),
        email=MemoryEmailSender(),
        sms=MemorySmsSender(),
        sweep=sweep,
    )
    await asyncio.wait_for(run_worker(deps, stop, idle=0.01), timeout=5)
    assert swept == [1]


async def test_a_failing_sweep_does_not_stop_delivery() -> None:
    stop = asyncio.Event()
    rounds: list[int] = []

    async def sweep() -> None:
        rounds.append(1)
        if len(rounds) > 1:
            stop.set()
        raise RuntimeError("database away")

    deps = DeliveryDeps(
        uow=memory_uow_factory(),
        clock=FixedClock(NOW),
        email=MemoryEmailSender(),
        sms=MemorySmsSender(),
        sweep=sweep,
        sweep_every=timedelta(0),
    )
    await asyncio.wait_for(run_worker(deps, stop, idle=0.01), timeout=5)
    assert len(rounds) == 2
