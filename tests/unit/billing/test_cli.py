"""`hearth billing run`: as the practice's owner, the previous month by default, idempotent."""

from __future__ import annotations

import pytest

from adapters.cli import billing as billing_cli
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.shared.errors import InvalidInput
from tests.support.billing_practice import ATTENDED, BillingClinic
from tests.support.scheduling_practice import at


async def test_the_command_issues_last_months_invoices_once() -> None:
    clinic = await BillingClinic().setup()
    lee = await clinic.staff("Dr. Lee")
    sam = await clinic.person("Sam Chen")
    case = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    (session,) = (await clinic.book(lee, case, at(1, 7, 10))).appointment_ids
    clinic.now(at(1, 7, 11))
    await clinic.mark(lee, session, sam=ATTENDED)
    clinic.now(at(2, 1, 6))
    month, issued = await billing_cli.run_month(clinic.deps, None)
    assert month == "2026-01" and len(issued) == 1
    assert await billing_cli.run_month(clinic.deps, "2026-01") == ("2026-01", [])
    with pytest.raises(InvalidInput, match="2026-11"):
        await billing_cli.run_month(clinic.deps, "January")
