"""CredentialRepository on every adapter: each change is computed from the stored row, so
concurrent sign-ins, password changes and rehashes never lose one another's writes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

from core.domain.directory.credentials import LOCKOUT_RULE, MAX_FAILED_ATTEMPTS, LockoutRule
from core.domain.shared.values import StaffId
from core.ports import UnitOfWorkFactory
from tests.contract.directory.test_parties import add, staff
from tests.support.stores import commit_without_handlers

NOW = datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=UTC)


async def _someone(uow: UnitOfWorkFactory, password_hash: str = "$argon2id$first") -> StaffId:
    lee = staff("Dr. Lee")
    await add(uow, lee)
    async with uow() as u:
        assert await u.credentials.set_password(lee.id, password_hash) == 1
        await commit_without_handlers(u)
    return lee.id


async def _claim(uow: UnitOfWorkFactory, staff_id: StaffId, now: datetime = NOW):
    async with uow() as u:
        claimed = await u.credentials.claim_attempt(staff_id, now, LOCKOUT_RULE)
        await commit_without_handlers(u)
    return claimed


async def test_a_new_password_starts_a_new_generation_and_clears_the_lockout(
    uow: UnitOfWorkFactory,
):
    lee = await _someone(uow)
    for _ in range(MAX_FAILED_ATTEMPTS):
        await _claim(uow, lee)
    async with uow() as u:
        locked = await u.credentials.get(lee)
        assert locked is not None and locked.is_locked(NOW)
        assert locked.locked_until == NOW + LOCKOUT_RULE.lockout
        assert locked.locked_until.tzinfo is not None  # the same instant, never a naive one
        assert await u.credentials.set_password(lee, "$argon2id$second") == 2
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None
    assert (stored.password_hash, stored.generation) == ("$argon2id$second", 2)
    assert not stored.is_locked(NOW) and stored.failed_attempts == 0


async def test_the_attempt_that_reaches_the_limit_locks_until_the_lockout_ends(
    uow: UnitOfWorkFactory,
):
    lee = await _someone(uow)
    rule = LockoutRule(max_attempts=3, lockout=timedelta(minutes=10))
    paris = NOW.astimezone(timezone(timedelta(hours=1)))

    async def claim(now: datetime):
        async with uow() as u:
            claimed = await u.credentials.claim_attempt(lee, now, rule)
            await commit_without_handlers(u)
        return claimed

    counts = [
        (c.failed_attempts, c.locked_until) if c else None
        for c in [await claim(paris) for _ in range(4)]
    ]
    assert counts == [(1, None), (2, None), (0, NOW + rule.lockout), None]
    assert await claim(NOW + timedelta(minutes=9)) is None
    after = await claim(NOW + timedelta(minutes=10))
    assert after is not None and after.failed_attempts == 1
    async with uow() as u:
        await u.credentials.record_success(lee)
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None and stored.failed_attempts == 0 and stored.locked_until is None


async def test_a_claim_left_uncommitted_counts_nothing(uow: UnitOfWorkFactory):
    lee = await _someone(uow)
    async with uow() as u:
        assert await u.credentials.claim_attempt(lee, NOW, LOCKOUT_RULE) is not None
        seen = await u.credentials.get(lee)
        assert seen is not None and seen.failed_attempts == 1
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None and stored.failed_attempts == 0


async def test_concurrent_attempts_lock_after_exactly_the_limit(uow: UnitOfWorkFactory):
    lee = await _someone(uow)
    claims = await asyncio.gather(*(_claim(uow, lee) for _ in range(4 * MAX_FAILED_ATTEMPTS)))
    assert sum(c is not None for c in claims) == MAX_FAILED_ATTEMPTS
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None and stored.is_locked(NOW)


async def test_a_rehash_never_overwrites_a_password_set_meanwhile(uow: UnitOfWorkFactory):
    lee = await _someone(uow, "$argon2id$old-parameters")
    async with uow() as u:
        await u.credentials.set_password(lee, "$argon2id$reset-by-the-owner")
        await commit_without_handlers(u)
    async with uow() as u:
        assert not await u.credentials.rehash(lee, "$argon2id$old-parameters", "$argon2id$re")
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.credentials.rehash(lee, "$argon2id$reset-by-the-owner", "$argon2id$new")
        await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None
    assert (stored.password_hash, stored.generation) == ("$argon2id$new", 2)


async def test_concurrent_password_changes_all_land(uow: UnitOfWorkFactory):
    lee = await _someone(uow)

    async def change(n: int) -> int:
        async with uow() as u:
            generation = await u.credentials.set_password(lee, f"$argon2id${n}")
            await commit_without_handlers(u)
        return generation

    generations = await asyncio.gather(*(change(n) for n in range(10)))
    assert sorted(generations) == list(range(2, 12))
    async with uow() as u:
        stored = await u.credentials.get(lee)
    assert stored is not None and stored.generation == 11
