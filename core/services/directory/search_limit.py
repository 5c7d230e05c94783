"""The directory search's per-account limit: enough for type-ahead all day, too few to rebuild
an address one character at a time (each keystroke is a search)."""

from __future__ import annotations

from core.domain.cases.access import StaffActor
from core.domain.shared.limits import SEARCH
from core.ports.limits import RateLimiter
from core.services.shared.limits import check_limit
from core.services.shared.use_case import Deps


async def count_search(deps: Deps, limiter: RateLimiter, actor: StaffActor) -> None:
    """Count one search by `actor`; `TooManyRequests` (say how long to wait) once over."""
    await check_limit(limiter, deps.clock, SEARCH, str(actor.id), field="q")
