"""What a test of "built once" statements needs: the statement objects the engine is given by the
same reads run twice with other values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


async def sent_by(engine: AsyncEngine, reads: Callable[[int], Awaitable[object]]) -> list[list]:
    """The statements `reads(1)` and then `reads(2)` executed, each run's in order."""
    executed: list[object] = []

    def seen(_conn, clause, *_args) -> None:
        executed.append(clause)

    runs = []
    sa.event.listen(engine.sync_engine, "before_execute", seen)
    try:
        for n in (1, 2):
            executed.clear()
            await reads(n)
            runs.append(list(executed))
    finally:
        sa.event.remove(engine.sync_engine, "before_execute", seen)
    return runs
