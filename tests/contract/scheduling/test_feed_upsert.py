"""A clinician's calendar feed replaced from two requests at once: both succeed, one feed
stays (an upsert, not delete-then-insert meeting the key of the other)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core.domain.directory.parties import StaffRole
from core.domain.scheduling.feeds import CalendarFeed
from tests.support.stores import commit_without_handlers


async def test_concurrent_saves_of_one_feed_all_land(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    created = datetime(2026, 1, 5, tzinfo=UTC)

    async def save(n: int) -> None:
        async with uow() as u:
            await u.feeds.save(CalendarFeed(lee.id, f"{n:064d}", n % 2 == 0, created))
            await commit_without_handlers(u)

    await asyncio.gather(*(save(n) for n in range(20)))
    async with uow() as u:
        stored = await u.feeds.for_staff(lee.id)
        assert stored is not None
        assert await u.feeds.by_token_hash(stored.token_hash) == stored
