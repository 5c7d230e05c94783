"""For tests of a store itself, below the use cases."""

from __future__ import annotations

from core.ports import UnitOfWork


async def commit_without_handlers(uow: UnitOfWork) -> None:
    """Commit what a test stored directly: the aggregates' events go to no handler (a use
    case commits through the message bus instead, which is what writes the history)."""
    uow.collect_events()
    await uow.commit()
