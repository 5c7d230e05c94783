"""`hearth billing run --month 2026-11`: the monthly invoice run from the command line (cron
on the 1st), acting as the practice's owner."""

from __future__ import annotations

from uuid import UUID

from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import NotFound
from core.services.billing import invoicing
from core.services.directory import load_actor
from core.services.shared.use_case import Deps


async def run_month(deps: Deps, month: str | None) -> tuple[str, list[UUID]]:
    """Issue the month's invoices (the previous month when None); the month and what was
    issued."""
    async with deps.uow() as uow:
        owner = next(
            (s for s in await uow.staff.list_all() if s.active and StaffRole.OWNER in s.roles),
            None,
        )
    if owner is None:
        raise NotFound("The practice has no owner yet: run `hearth create-owner` first.")
    if month is None:
        first, _ = invoicing.previous_month(deps.clock.today())
        month = f"{first:%Y-%m}"
    actor = await load_actor(deps, owner.id)
    return month, await invoicing.run_month(deps, actor, invoicing.MonthlyRun(month=month))
