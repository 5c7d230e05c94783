"""The account mails waiting in the outbox of a web test's practice, and the links in them."""

from __future__ import annotations

import asyncio
import re

from core.domain.communication.messages import DeliveryState


def pending_mails(container) -> list:
    async def run() -> list:
        async with container.uow_factory()() as uow:
            return await uow.outbox.listing([DeliveryState.PENDING])

    return asyncio.run(run())


def invitation_link(container, to: str) -> str:
    """The newest invitation link mailed to `to` (a path: /invitation/...)."""
    mails = [m for m in pending_mails(container) if m.to == to and "/invitation/" in m.body]
    newest = max(mails, key=lambda m: m.created_at)
    found = re.search(r"http://\S+(/invitation/\S+)", newest.body)
    assert found is not None
    return found.group(1)
