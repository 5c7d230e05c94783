"""Staff tokens (password-reset and invitation links) on every store: found by hash, usable
once even when two uses race, and a newer link of the same purpose ends the older one."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

from core.domain.directory.parties import StaffRole
from core.domain.directory.tokens import StaffToken, TokenPurpose
from tests.support.practice import START


def token(staff_id, n: int, purpose=TokenPurpose.PASSWORD_RESET, at=START) -> StaffToken:
    return StaffToken(
        id=uuid4(),
        staff_id=staff_id,
        purpose=purpose,
        token_hash=f"{n:064x}",
        created_at=at,
        expires_at=at + timedelta(hours=1),
    )


async def test_a_token_is_used_once_even_by_two_at_once(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    t = token(lee.id, 1)
    async with uow() as u:
        await u.staff_tokens.add(t)
        await u.commit()

    async def use() -> bool:
        async with uow() as u:
            used = await u.staff_tokens.use(t.id, START)
            await u.commit()
            return used

    assert sorted(await asyncio.gather(use(), use())) == [False, True]
    async with uow() as u:
        stored = await u.staff_tokens.by_hash(t.token_hash)
    assert stored.used_at == START and not stored.usable(START)


async def test_a_newer_link_ends_the_older_and_a_rollback_keeps_nothing(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    old, new = token(lee.id, 1), token(lee.id, 2, at=START + timedelta(minutes=5))
    invitation = token(lee.id, 3, TokenPurpose.INVITATION)
    for t in (old, invitation, new):
        async with uow() as u:
            await u.staff_tokens.add(t)
            await u.commit()
    later = START + timedelta(minutes=6)
    async with uow() as u:
        assert not (await u.staff_tokens.by_hash(old.token_hash)).usable(later)
        assert (await u.staff_tokens.by_hash(new.token_hash)).usable(later)
        assert (await u.staff_tokens.by_hash(invitation.token_hash)).usable(later)
        assert await u.staff_tokens.count_since(lee.id, TokenPurpose.PASSWORD_RESET, START) == 2
        await u.staff_tokens.add(token(lee.id, 4))
        await u.rollback()
    async with uow() as u:
        assert await u.staff_tokens.by_hash(f"{4:064x}") is None
        assert (await u.staff_tokens.by_hash(new.token_hash)).usable(later)


async def test_a_revoked_link_stops_working_and_a_used_one_stays_used(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    open_one = token(lee.id, 7, TokenPurpose.INVITATION)
    async with uow() as u:
        await u.staff_tokens.add(open_one)
        await u.commit()
    revoked_at = START + timedelta(minutes=5)
    async with uow() as u:
        await u.staff_tokens.expire(lee.id, TokenPurpose.INVITATION, revoked_at)
        await u.staff_tokens.expire(lee.id, TokenPurpose.PASSWORD_RESET, revoked_at)  # none
        await u.commit()
    async with uow() as u:
        stored = await u.staff_tokens.by_hash(open_one.token_hash)
    assert stored.expires_at == revoked_at and not stored.usable(revoked_at)
    assert stored.usable(START)  # before the revocation it worked: nothing else changed


async def test_a_link_ended_while_in_use_is_not_used(practice, uow) -> None:
    """The use itself checks the expiry: a link revoked or replaced between reading it and
    using it (a resend, a revoke at the same moment) sets no password."""
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    t = token(lee.id, 1, TokenPurpose.INVITATION)
    async with uow() as u:
        await u.staff_tokens.add(t)
        await u.commit()
    revoked_at = START + timedelta(minutes=1)
    async with uow() as u:
        await u.staff_tokens.expire(lee.id, TokenPurpose.INVITATION, revoked_at)
        await u.commit()
    async with uow() as u:
        assert not await u.staff_tokens.use(t.id, revoked_at + timedelta(seconds=1))
        assert not await u.staff_tokens.use(t.id, START + timedelta(hours=2))
        await u.commit()
