"""Checking a request limit: one atomic count, refused with how long to wait."""

from __future__ import annotations

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


async def refuse_when_over(
    limiter: RateLimiter, clock: Clock, limit: Limit, who: str, field: str | None = None
) -> None:
    """`TooManyRequests` when `who` has used up `limit` already (failures counted with
    `count_failure`): sign-ins, where only failures count — a clinic's staff signing in
    behind one address never meet it, a guesser does."""
    now = clock.now()
    if await limiter.count(_key(limit, who), limit.window_start(now)) >= limit.max_hits:
        raise TooManyRequests(limit.minutes_left(now), field=field)


async def count_failure(limiter: RateLimiter, clock: Clock, limit: Limit, who: str) -> None:
    now = clock.now()
    await limiter.hit(_key(limit, who), limit.window_start(now), now - LONGEST)
