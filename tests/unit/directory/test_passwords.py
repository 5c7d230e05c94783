"""The argon2id hasher at production cost keeps the event loop free: other requests are served
while a password is hashed or checked."""

from __future__ import annotations

import asyncio
import time

from adapters.system.passwords import Argon2PasswordHasher


async def _longest_stall(work) -> tuple[float, float]:
    """(the longest gap between ticks of a 5 ms ticker while `work` runs, how long it ran)."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    started = time.perf_counter()
    ticking = asyncio.create_task(ticker())
    try:
        await work
    finally:
        done.set()
        await ticking
    return max(gaps, default=0.0), time.perf_counter() - started


async def test_hashing_and_verifying_do_not_block_the_event_loop():
    hasher = Argon2PasswordHasher()  # the production parameters
    stall, took = await _longest_stall(hasher.hash("a long enough password"))
    assert stall < took / 3, (stall, took)  # blocking would stall the loop for all of it
    hashed = await hasher.hash("a long enough password")
    stall, took = await _longest_stall(hasher.verify(hashed, "a wrong password"))
    assert stall < took / 3, (stall, took)  # blocking would stall the loop for all of it
    assert await hasher.verify(hashed, "a long enough password")
    assert not await hasher.verify("not a hash", "x")
    assert not hasher.needs_rehash(hashed)
    assert hasher.needs_rehash(await Argon2PasswordHasher.fast().hash("x"))
