"""20 invoices issued at the same moment on SQLite and PostgreSQL: every one gets a number, no
two the same, none skipped (the counter row is taken in the issuing transaction)."""

from __future__ import annotations

import asyncio

from core.domain.billing.invoices import InvoiceStatus
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.ports import UnitOfWorkFactory
from core.services.billing import invoicing
from tests.support.billing_practice import ATTENDED, BillingClinic
from tests.support.scheduling_practice import at

PARALLEL = 20


async def test_twenty_parallel_issues_give_an_unbroken_sequence(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    clients = [await clinic.person(f"Client {n} Example") for n in range(PARALLEL)]
    drafts = []
    for n, client in enumerate(clients):
        case = await clinic.case(CaseKind.INDIVIDUAL, lee, (client, MemberRole.CLIENT))
        booked = await clinic.book(lee, case, at(1, 12 + n // 10, 8 + n % 10))
        (session,) = booked.appointment_ids
        clinic.now(at(1, 14, 20))
        await clinic.mark(lee, session, client=ATTENDED)
        drafts.append(
            await invoicing.draft_invoice(
                clinic.deps,
                clinic.owner,
                invoicing.DraftInvoice(
                    payer_kind=PayerKind.PERSON,
                    payer_id=client,
                    start=at(1, 1).date(),
                    end=at(1, 31).date(),
                ),
            )
        )

    async def issue(invoice_id):
        # What the web does on a conflict (SQLite's busy writer, a stale version): try again.
        for _ in range(50):
            try:
                return await invoicing.issue_invoice(
                    clinic.deps,
                    clinic.owner,
                    invoicing.IssueInvoice(invoice_id=invoice_id, version=0),
                )
            except ConcurrencyConflict:
                await asyncio.sleep(0.01)
        raise AssertionError("never issued")

    numbers = await asyncio.gather(*(issue(d) for d in drafts))
    assert sorted(numbers) == list(range(1, PARALLEL + 1))
    async with clinic.deps.uow() as u:
        page = await u.invoices.search(status=InvoiceStatus.ISSUED, limit=100)
    assert sorted(r.number for r in page.rows if r.number) == list(range(1, PARALLEL + 1))


async def test_two_monthly_runs_at_once_bill_each_charge_once(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    for n in range(3):
        client = await clinic.person(f"Client {n} Example")
        case = await clinic.case(CaseKind.INDIVIDUAL, lee, (client, MemberRole.CLIENT))
        booked = await clinic.book(lee, case, at(1, 12, 8 + n))
        clinic.now(at(1, 14, 20))
        await clinic.mark(lee, booked.appointment_ids[0], client=ATTENDED)
    clinic.now(at(2, 1, 9))
    results = await asyncio.gather(
        clinic.run_month("2026-01"), clinic.run_month("2026-01"), return_exceptions=True
    )
    issued = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    # One run issues the three invoices; the other issues nothing or is refused (its charges
    # were billed by the first), never a second invoice for the same charge.
    assert sum(len(r) for r in issued) == 3, results
    for r in refused:
        assert isinstance(r, InvariantViolation | ConcurrencyConflict), repr(r)
    async with clinic.deps.uow() as u:
        page = await u.invoices.search(limit=100)
    assert sorted(r.number for r in page.rows) == [1, 2, 3]
