"""Whether the practice has been set up."""

from __future__ import annotations

from core.services.shared.use_case import Deps


async def practice_has_staff(deps: Deps) -> bool:
    """False only before the first owner exists: the web offers its one-time setup page then."""
    async with deps.uow() as uow:
        return await uow.staff.count() > 0
