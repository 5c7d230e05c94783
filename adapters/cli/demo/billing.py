"""The demo's invoices: the monthly run on the 1st of every month the demo covers, as the
owner would have done it, so the invoice list, the aging and the case pages' money show a
practice in its stride. This month's sessions stay unbilled (the "Unbilled" screen)."""

from __future__ import annotations

from datetime import date

from adapters.cli.demo.loader import Loader
from core.services.billing import invoicing

DEMO_DAYS = 200  # how far back the demo's story starts (load.py winds the clock back as far)


async def bill_past_months(d: Loader) -> None:
    first = d.today.fromordinal(d.today.toordinal() - DEMO_DAYS).replace(day=1)
    month = first
    this_month = d.today.replace(day=1)
    while month < this_month:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        d.clock.at(following)
        await invoicing.run_month(d.deps, d.owner, invoicing.MonthlyRun(month=f"{month:%Y-%m}"))
        month = following
