"""The monthly run and the billing lists send a fixed number of statements, whatever the number
of payers (set-based, never one per invoice): a month of 2 payers and one of 8 cost the same."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from core.domain.cases.kinds import CaseKind, MemberRole
from core.ports import UnitOfWorkFactory
from core.services.billing.views import invoices as views
from tests.support.billing_practice import ATTENDED, BillingClinic
from tests.support.scheduling_practice import at


async def test_the_monthly_run_and_the_lists_cost_the_same_for_more_payers(
    engine: AsyncEngine, uow: UnitOfWorkFactory
) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    cases = []
    for n in range(8):
        client = await clinic.person(f"Client {n} Example")
        cases.append(await clinic.case(CaseKind.INDIVIDUAL, lee, (client, MemberRole.CLIENT)))
    for month, how_many in ((1, 2), (2, 8)):
        for n, case in enumerate(cases[:how_many]):
            for day in (12, 13):
                booked = await clinic.book(lee, case, at(month, day, 8 + n))
                clinic.now(at(month, 14, 20))
                await clinic.mark(lee, booked.appointment_ids[0], client=ATTENDED)

    counted: dict[tuple[int, str], int] = {}
    current: list[Any] = [None]

    def count(*_args: Any) -> None:
        counted[current[0]] = counted.get(current[0], 0) + 1

    sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        for month, how_many in ((1, 2), (2, 8)):
            clinic.now(at(month + 1, 1, 9))
            current[0] = (month, "run")
            assert len(await clinic.run_month(f"2026-{month:02d}")) == how_many
            current[0] = (month, "list")
            await views.invoice_list(clinic.deps, clinic.owner)
            current[0] = (month, "aging")
            await views.aging(clinic.deps, clinic.owner)
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
    small = {what: n for (month, what), n in counted.items() if month == 1}
    large = {what: n for (month, what), n in counted.items() if month == 2}
    assert small == large, (small, large)
    assert small["run"] <= 16 and small["list"] <= 3 and small["aging"] <= 3, small
