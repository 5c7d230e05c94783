"""For tests of a store itself, below the use cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.ports import UnitOfWork


async def commit_without_handlers(uow: UnitOfWork) -> None:
    """Commit what a test stored directly: the aggregates' events go to no handler (a use
    case commits through the message bus instead, which is what writes the history)."""
    uow.collect_events()
    await uow.commit()


def with_commit_hook(
    factory: Callable[[], UnitOfWork], before: Callable[[], Awaitable[None]]
) -> Callable[[], Any]:
    """Units of work of `factory` that run `before` just before they commit: to let another
    writer in at the worst moment, or to fail a commit on purpose."""

    class Hooked:
        def __init__(self) -> None:
            self.inner = factory()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        async def __aenter__(self) -> Hooked:
            return self

        async def __aexit__(self, *exc: Any) -> None:
            await self.inner.__aexit__(*exc)

        async def commit(self) -> None:
            await before()
            await self.inner.commit()

    return Hooked
