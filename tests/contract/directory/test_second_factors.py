"""Second factors and request counters on every store: a TOTP step and a recovery code pass
once even when two sign-ins race, an enrolment replaces the earlier one, a rollback keeps
nothing, and the counters count every request of a window exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.persistence.memory.rate_limits import MemoryRateLimiter
from adapters.persistence.sql.rate_limits import SqlRateLimiter
from core.domain.directory.second_factor import SecondFactor, recovery_hash
from tests.support.practice import START


def factor(staff_id, step: int = 100) -> SecondFactor:
    return SecondFactor(staff_id=staff_id, secret="A" * 32, enrolled_at=START, last_step=step)


async def test_a_step_and_a_recovery_code_pass_once_even_by_two_at_once(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee")
    async with uow() as u:
        await u.second_factors.enrol(factor(lee.id), [recovery_hash("aaaa-bbbb-cccc")])
        await u.commit()

    async def step(n: int) -> bool:
        async with uow() as u:
            accepted = await u.second_factors.accept_step(lee.id, n)
            await u.commit()
            return accepted

    async def code() -> bool:
        async with uow() as u:
            used = await u.second_factors.use_recovery_code(
                lee.id, recovery_hash("AAAA BBBB CCCC"), START
            )
            await u.commit()
            return used

    assert sorted(await asyncio.gather(step(101), step(101))) == [False, True]
    assert not await step(100)  # an older step than one used: refused too
    assert sorted(await asyncio.gather(code(), code())) == [False, True]
    async with uow() as u:
        assert (await u.second_factors.get(lee.id)).last_step == 101
        assert await u.second_factors.recovery_codes_left(lee.id) == 0


async def test_enrolment_replaces_and_a_rollback_keeps_nothing(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee")
    async with uow() as u:
        await u.second_factors.enrol(factor(lee.id), [recovery_hash("one"), recovery_hash("two")])
        await u.second_factors.set_required(True)
        # not committed
    async with uow() as u:
        assert await u.second_factors.get(lee.id) is None
        assert await u.second_factors.required() is None
        await u.second_factors.enrol(factor(lee.id), [recovery_hash("one"), recovery_hash("two")])
        await u.second_factors.set_required(True)
        await u.commit()
    async with uow() as u:
        await u.second_factors.enrol(factor(lee.id, 5), [recovery_hash("three")])
        assert await u.second_factors.recovery_codes_left(lee.id) == 1
        await u.commit()
    async with uow() as u:
        assert (await u.second_factors.get(lee.id)).last_step == 5
        assert not await u.second_factors.use_recovery_code(lee.id, recovery_hash("one"), START)
        assert await u.second_factors.required() is True
        await u.second_factors.set_required(False)
        await u.second_factors.remove(lee.id)
        await u.commit()
    async with uow() as u:
        assert await u.second_factors.get(lee.id) is None
        assert await u.second_factors.recovery_codes_left(lee.id) == 0
        assert await u.second_factors.required() is False


async def test_ending_sessions_moves_the_generation_on(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee")
    async with uow() as u:
        assert await u.credentials.end_sessions(lee.id) == 0  # no password: nothing to end
        first = await u.credentials.set_password(lee.id, "$argon2id$x")
        assert await u.credentials.end_sessions(lee.id) == first + 1
        await u.commit()
    async with uow() as u:
        stored = await u.credentials.get(lee.id)
    assert stored.generation == first + 1 and stored.password_hash == "$argon2id$x"


async def test_request_counters_count_each_request_once(engine) -> None:
    limiter = MemoryRateLimiter() if engine is None else SqlRateLimiter(engine)
    window = START.replace(minute=0, second=0, microsecond=0)
    counts = await asyncio.gather(
        *(limiter.hit("sign_in:10.0.0.1", window, START) for _ in range(8))
    )
    assert sorted(counts) == list(range(1, 9))
    assert await limiter.count("sign_in:10.0.0.1", window) == 8
    assert await limiter.count("sign_in:10.0.0.2", window) == 0
    later = window + timedelta(hours=2)
    assert await limiter.hit("sign_in:10.0.0.1", later, later - timedelta(hours=1)) == 1
    assert await limiter.count("sign_in:10.0.0.1", window) == 0  # an old window is dropped


async def test_a_request_counted_can_be_taken_back_once(engine) -> None:
    """An attempt that did not fail is taken back (sign-ins count failures only); never
    below zero, and only in its own key and window."""
    limiter = MemoryRateLimiter() if engine is None else SqlRateLimiter(engine)
    window = START.replace(minute=0, second=0, microsecond=0)
    for _ in range(3):
        await limiter.hit("sign_in:10.0.0.1", window, START)
    await limiter.hit("sign_in:10.0.0.2", window, START)
    await asyncio.gather(*(limiter.release("sign_in:10.0.0.1", window) for _ in range(2)))
    assert await limiter.count("sign_in:10.0.0.1", window) == 1
    assert await limiter.count("sign_in:10.0.0.2", window) == 1
    for _ in range(3):
        await limiter.release("sign_in:10.0.0.1", window)
    await limiter.release("sign_in:10.0.0.3", window)  # nothing counted: nothing to take
    assert await limiter.count("sign_in:10.0.0.1", window) == 0
    assert await limiter.hit("sign_in:10.0.0.1", window, START) == 1
