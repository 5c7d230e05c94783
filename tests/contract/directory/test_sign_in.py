"""Signing in, on every adapter: concurrent guesses get no more tries than sequential ones, every
failure reads the same and costs the same, and a new password ends older sessions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.system.passwords import Argon2PasswordHasher
from core.domain.directory.credentials import MAX_FAILED_ATTEMPTS
from core.domain.shared.errors import Forbidden
from core.services.directory import auth
from tests.support.practice import Practice

PASSWORD = "a long enough password"


class CountingHasher(Argon2PasswordHasher):
    """Real (cheap) argon2id that counts what it is asked to do."""

    def __init__(self) -> None:
        fast = Argon2PasswordHasher.fast()
        self._hasher = fast._hasher
        self.hashed = 0
        self.verified: list[str] = []

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return await super().hash(password)

    async def verify(self, hashed: str, password: str) -> bool:
        self.verified.append(hashed)
        return await super().verify(hashed, password)


@pytest.fixture
async def lee(practice: Practice):
    hasher = CountingHasher()
    lee = await practice.staff("Dr. Lee")
    await auth.set_password(practice.deps, hasher, None, lee.id, PASSWORD)
    return lee, hasher


async def _stored_hash(practice: Practice, staff_id) -> str:
    async with practice.deps.uow() as u:
        credentials = await u.credentials.get(staff_id)
    assert credentials is not None
    return credentials.password_hash


async def test_concurrent_wrong_guesses_lock_the_account_after_the_limit(practice: Practice, lee):
    lee, hasher = lee
    real = await _stored_hash(practice, lee.id)
    guesses = [
        auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", f"guess number {n}")
        for n in range(4 * MAX_FAILED_ATTEMPTS)
    ]
    results = await asyncio.gather(*guesses, return_exceptions=True)
    assert all(isinstance(r, auth.SignInFailed) for r in results)
    # Only the attempts counted before the lock were checked against the real hash.
    assert hasher.verified.count(real) == MAX_FAILED_ATTEMPTS
    with pytest.raises(auth.SignInFailed):
        await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD)
    practice.clock.advance(timedelta(minutes=15))
    assert await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD) == lee.id


async def test_every_failure_reads_the_same_and_costs_one_verify(practice: Practice, lee):
    lee, hasher = lee
    hashed_before = hasher.hashed
    messages = []
    for email, password in [
        ("nobody@hearth.test", PASSWORD),  # unknown email
        ("nobody@hearth.test", PASSWORD),
        ("dr.lee@hearth.test", "wrong password"),  # wrong password
    ]:
        verified = len(hasher.verified)
        with pytest.raises(auth.SignInFailed) as failed:
            await auth.sign_in(practice.deps, hasher, email, password)
        assert len(hasher.verified) == verified + 1
        messages.append(failed.value.message)
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.SignInFailed) as failed:
            await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", "wrong again")
    with pytest.raises(auth.SignInFailed) as locked:  # locked, with the right password
        await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD)
    messages.append(locked.value.message)
    assert len(set(messages)) == 1
    # The stand-in hash for unknown emails was made once, not on every attempt.
    assert hasher.hashed - hashed_before == 1


async def test_a_sign_in_reports_the_password_generation(practice: Practice, lee):
    lee, hasher = lee
    first = await auth.authenticate(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD)
    assert await auth.session_is_current(practice.deps, lee.id, first.generation)
    new = await auth.set_password(practice.deps, hasher, lee, lee.id, PASSWORD + "!")
    assert new == first.generation + 1
    assert not await auth.session_is_current(practice.deps, lee.id, first.generation)
    assert await auth.session_is_current(practice.deps, lee.id, new)


async def test_a_rehash_at_sign_in_never_undoes_a_reset_made_meanwhile(practice: Practice, lee):
    lee, _ = lee
    reset_done = asyncio.Event()
    rehash_started = asyncio.Event()

    class Upgrading(CountingHasher):
        """Every stored hash needs upgrading; the upgrade waits until Dr. Lee's reset."""

        def needs_rehash(self, hashed: str) -> bool:
            return True

        async def hash(self, password: str) -> str:
            if password == PASSWORD:
                rehash_started.set()
                await reset_done.wait()
            return await super().hash(password)

    hasher = Upgrading()

    async def reset() -> None:
        await rehash_started.wait()
        await auth.set_password(practice.deps, hasher, lee, lee.id, "the new password")
        reset_done.set()

    await asyncio.gather(
        auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD), reset()
    )
    assert await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", "the new password")
    with pytest.raises(auth.SignInFailed):
        await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD)


async def test_nobody_sets_another_persons_password_not_even_the_owner(practice: Practice, lee):
    lee, hasher = lee
    kim = await practice.staff("Dr. Kim")
    for someone_else in (practice.owner, kim):
        with pytest.raises(Forbidden):
            await auth.set_password(
                practice.deps, hasher, someone_else, lee.id, "chosen by another"
            )
    with pytest.raises(auth.SignInFailed):
        await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", "chosen by another")
    assert await auth.sign_in(practice.deps, hasher, "dr.lee@hearth.test", PASSWORD) == lee.id
