"""Per-client-address limits at the anonymous doors (sign-in and its code, password reset,
invitation links), counted in the shared store before the request's work is done. The address
is the connection's peer as the server sees it (behind a reverse proxy, run uvicorn with
`--proxy-headers` and `--forwarded-allow-ips` so that it is the client's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from adapters.web.kit.form_action import Refusal
from adapters.web.kit.params import AnyRequest
from core.domain.shared.limits import Limit, TooManyRequests
from core.ports.limits import RateLimiter
from core.services.shared.limits import check_limit, claim_attempt, release_attempt
from core.services.shared.use_case import Deps

LimiterParam = NamedDependency[SkipValidation[RateLimiter]]


def client_address(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


async def limit_address(
    request: AnyRequest, deps: Deps, limiter: RateLimiter, limit: Limit, field: str | None = None
) -> None:
    """`TooManyRequests` once this address made too many such requests in the window."""
    await check_limit(limiter, deps.clock, limit, client_address(request), field=field)


@asynccontextmanager
async def failures_counted(
    request: AnyRequest,
    deps: Deps,
    limiter: RateLimiter,
    limit: Limit,
    failure: type[Exception],
    field: str | None = None,
) -> AsyncIterator[None]:
    """Run an attempt counted against this address before it runs (`TooManyRequests` once
    the address failed too often in the window); the count is taken back unless the attempt
    failed with `failure`: only failures add up, and guesses sent at once count too."""
    who = client_address(request)
    window = await claim_attempt(limiter, deps.clock, limit, who, field=field)
    failed = False
    try:
        yield
    except failure:
        failed = True
        raise
    finally:
        if not failed:
            await release_attempt(limiter, limit, who, window)


def refused_status(refusal: Refusal) -> int:
    """429 for a limit reached (with its "try again in N minutes"), else the refusal's own."""
    return 429 if isinstance(refusal.error, TooManyRequests) else refusal.status
