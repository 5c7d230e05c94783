"""Checking a request limit: one atomic count, refused with how long to wait."""

from __future__ import annotations

from datetime import datetime

from core.domain.shared.limits import LONGEST, Limit, TooManyRequests
from core.ports import Clock
from core.ports.limits import RateLimiter


async def check_limit(
    limiter: RateLimiter, clock: Clock, limit: Limit, who: str, field: str | None = None
) -> None:
    """Count this request of `who` (a client address, or an account id) against `limit`;
    `TooManyRequests` once the window's count is over it."""
    now = clock.now()
    hits = await limiter.hit(_key(limit, who), limit.window_start(now), now - LONGEST)
    if hits > limit.max_hits:
        raise TooManyRequests(limit.minutes_left(now), field=field)


def _key(limit: Limit, who: str) -> str:
    return f"{limit.scope}:{who[:150]}"


async def claim_attempt(
    limiter: RateLimiter, clock: Clock, limit: Limit, who: str, field: str | None = None
) -> datetime:
    """Count an attempt of `who` before it is made — attempts sent all at once are each
    counted before any is checked — and `TooManyRequests` once `limit` is used up. Returns
    the window, for `release_attempt` when the attempt did not fail: sign-ins, where only
    failures count (a clinic's staff signing in behind one address never meet it, a guesser
    does)."""
    now = clock.now()
    window = limit.window_start(now)
    if await limiter.hit(_key(limit, who), window, now - LONGEST) > limit.max_hits:
        await limiter.release(_key(limit, who), window)  # a refused attempt is none
        raise TooManyRequests(limit.minutes_left(now), field=field)
    return window


async def release_attempt(limiter: RateLimiter, limit: Limit, who: str, window: datetime) -> None:
    await limiter.release(_key(limit, who), window)
