"""Billing's lines in the case history, in the practice's time."""

from __future__ import annotations

from core.domain.billing.events import CodesConfirmed
from core.services.scheduling.deps import SchedulingDeps, when
from core.services.shared.bus import HandlerContext


async def narrate(event: CodesConfirmed, ctx: HandlerContext) -> None:
    deps: SchedulingDeps = ctx.deps  # codes are confirmed by a use case with scheduling's deps
    codes = ", ".join(c.code for c in event.codes) or "no code"
    summary = f"Codes for the session of {when(event.start, deps.tz)}: {codes}."
    ctx.narrate(event, event.case_id, "codes_confirmed", summary)
