"""Invoices on every store: DOMAIN.md scenarios 5 and 11 (the sponsor's monthly invoice listing
each clinician's consultations), drafts, issuing with the next number, void and reissue, the
monthly run issuing nothing new the second time, balances and aging."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from core.domain.billing.invoices import Allocation, Invoice, InvoiceLine, InvoiceStatus
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.errors import Forbidden, InvariantViolation
from core.domain.shared.values import CaseId, Money, PersonId
from core.ports import UnitOfWorkFactory
from core.services import scheduling as s
from core.services.billing import invoicing
from tests.support.billing_practice import ABSENT, ATTENDED, BillingClinic, org, person
from tests.support.scheduling_practice import at


async def _sponsored_group(clinic: BillingClinic):
    lee = await clinic.staff("Dr. Lee")
    names = ["Kim", "Lou", "Max", "Noa"]
    people = {n: await clinic.person(f"{n} Clinician") for n in names}
    group = await clinic.case(
        CaseKind.CONSULTATION_GROUP,
        lee,
        *((people[n], MemberRole.CONSULTEE) for n in names),
        capacity=6,
    )
    sponsor = await clinic.organization("Riverside Clinic")
    await clinic.payer(group, org(sponsor), from_day=date(2026, 1, 5))
    booked = await clinic.book(
        lee,
        group,
        at(1, 7, 12),
        service="Consultation 60",
        repeat=s.Repeat(until=date(2026, 2, 28)),
    )
    return lee, people, sponsor, booked.appointment_ids


async def test_scenarios_5_and_11_the_sponsors_month(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee, people, sponsor, ids = await _sponsored_group(clinic)
    january = ids[:4]  # 7, 14, 21, 28 January
    for n, session in enumerate(january):
        clinic.now(at(1, 7 + 7 * n, 14))
        absent = {"noa": ABSENT} if n % 2 else {}
        await clinic.mark(
            lee, session, kim=ATTENDED, lou=ATTENDED, max=ATTENDED, **({"noa": ATTENDED} | absent)
        )
    clinic.now(at(2, 8, 14))
    await clinic.mark(lee, ids[4], kim=ATTENDED)  # February: not in January's invoice

    clinic.now(at(2, 1, 9))
    (invoice_id,) = await clinic.run_month("2026-01")
    invoice = await clinic.invoice(invoice_id)
    assert invoice.payer == org(sponsor)
    assert invoice.status is InvoiceStatus.ISSUED and invoice.number == 1
    assert (invoice.period_start, invoice.period_end) == (date(2026, 1, 1), date(2026, 1, 31))
    assert len(invoice.lines) == 4 + 3 + 4 + 3  # each clinician's attended consultations
    assert {li.participant_name for li in invoice.lines} == {f"{n} Clinician" for n in people}
    assert sum(li.participant_name == "Noa Clinician" for li in invoice.lines) == 2
    assert {li.description for li in invoice.lines} == {"Consultation 60"}
    assert invoice.total == Money(14 * 20000, "USD")
    assert [li.occurred_on for li in invoice.lines] == sorted(
        li.occurred_on for li in invoice.lines
    )

    # Idempotent: a second run of January issues nothing new.
    assert await clinic.run_month("2026-01") == []
    # February's run has the February session only.
    clinic.now(at(3, 1, 9))
    (february,) = await clinic.run_month("2026-02")
    assert (await clinic.invoice(february)).number == 2
    assert (await clinic.invoice(february)).total == Money(20000, "USD")

    async with clinic.deps.uow() as u:
        page = await u.invoices.search()
        aging = await u.invoices.aging(date(2026, 3, 10), offset=0, limit=10)
    assert [r.number for r in page.rows] == [2, 1] and page.total == 2
    assert page.rows[1].payer_name == "Riverside Clinic" and page.rows[1].total_minor == 280000
    # 1 Feb is 37 days before 10 Mar, 1 Mar is 9 days before.
    (row,) = aging.rows
    assert aging.count == 1 and aging.totals == (20000, 280000, 0, 0)
    assert (row.days_0_30, row.days_31_60, row.days_61_90, row.days_over_90) == (
        20000,
        280000,
        0,
        0,
    )


async def test_draft_issue_void_and_reissue(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    sam = await clinic.person("Sam Chen")
    case = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    sessions = [
        (await clinic.book(lee, case, at(1, d, 10))).appointment_ids[0] for d in (7, 14, 21)
    ]
    for d, session in zip((7, 14, 21), sessions, strict=True):
        clinic.now(at(1, d, 11))
        await clinic.mark(lee, session, sam=ATTENDED)

    # Per session: a draft of one session's charge.
    one = await invoicing.draft_invoice(
        clinic.deps,
        clinic.owner,
        invoicing.DraftInvoice(
            payer_kind=person(sam).kind,
            payer_id=sam,
            start=date(2026, 1, 1),
            end=date(2026, 1, 31),
            appointment_id=sessions[0],
        ),
    )
    draft = await clinic.invoice(one)
    assert draft.status is InvoiceStatus.DRAFT and draft.number is None
    assert [li.appointment_id for li in draft.lines] == [sessions[0]]
    assert [li.code for li in draft.lines] == ["90834"]
    number = await invoicing.issue_invoice(
        clinic.deps, clinic.owner, invoicing.IssueInvoice(invoice_id=one, version=draft.version)
    )
    assert number == 1
    # A double click issues nothing twice.
    with pytest.raises(InvariantViolation):
        await invoicing.issue_invoice(
            clinic.deps,
            clinic.owner,
            invoicing.IssueInvoice(invoice_id=one, version=draft.version + 1),
        )
    issued = await clinic.invoice(one)
    with pytest.raises(InvariantViolation):
        issued.add_lines([InvoiceLine(UUID(int=1), date(2026, 1, 1), "x", Money(1, "USD"))])

    # The rest of the month: the two other sessions, the first being billed already.
    rest = await invoicing.draft_invoice(
        clinic.deps,
        clinic.owner,
        invoicing.DraftInvoice(
            payer_kind=person(sam).kind, payer_id=sam, start=date(2026, 1, 1), end=date(2026, 1, 31)
        ),
    )
    assert [li.appointment_id for li in (await clinic.invoice(rest)).lines] == sessions[1:]

    # Void with a reason and reissue: a new number, the same charges, the old one kept.
    with pytest.raises(Exception, match="why"):
        await invoicing.void_invoice(
            clinic.deps,
            clinic.owner,
            invoicing.VoidInvoice(invoice_id=one, version=issued.version, reason=" "),
        )
    again = await invoicing.void_invoice(
        clinic.deps,
        clinic.owner,
        invoicing.VoidInvoice(
            invoice_id=one, version=issued.version, reason="Wrong address", reissue=True
        ),
    )
    assert again is not None
    voided, reissued = await clinic.invoice(one), await clinic.invoice(again)
    assert voided.status is InvoiceStatus.VOID and voided.void_reason == "Wrong address"
    assert voided.number == 1 and reissued.number == 2 and reissued.replaces == one
    assert reissued.entry_ids == voided.entry_ids

    # The list: the draft first, then the newest number; a filter counts only its own, a
    # page counts the whole filter.
    async with clinic.deps.uow() as u:
        listed = await u.invoices.search()
        voids = await u.invoices.search(status=InvoiceStatus.VOID)
        second = await u.invoices.search(offset=1, limit=1)
        beyond = await u.invoices.search(offset=3)
        capped = await u.invoices.search(offset=1, limit=1, count_to=2)
        under = await u.invoices.search(status=InvoiceStatus.VOID, count_to=2)
    assert [r.number for r in listed.rows] == [None, 2, 1] and listed.total == 3
    assert [r.number for r in voids.rows] == [1] and voids.total == 1
    assert [r.number for r in second.rows] == [2] and second.total == 3
    assert beyond.rows == []
    # Counted up to a cap ("200+" on the screen), the page itself as without one.
    assert [r.number for r in capped.rows] == [2] and capped.total == 2
    assert under.total == 1

    # Staff without billing duties may not issue.
    with pytest.raises(Forbidden):
        await invoicing.run_month(clinic.deps, lee, invoicing.MonthlyRun(month="2026-01"))


async def test_case_shares_charge_the_case_and_owe_in_all(uow: UnitOfWorkFactory) -> None:
    """The case page's money in one query: each payer's charges for this case, and their
    balance over every case in that currency. Sam's second case, charged in February, owes
    with the first; a sponsor charged for the first case comes first (by kind); charges in a
    second currency (the owner changed it) are a share of their own, owed apart."""
    clinic = await BillingClinic(uow).setup()
    lee, sam, case, _invoice_id = await clinic.january_invoice(day=7)
    other = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    (session,) = (await clinic.book(lee, other, at(2, 3, 10))).appointment_ids
    clinic.now(at(2, 3, 11))
    await clinic.mark(lee, session, sam=ATTENDED)
    sponsor = org(await clinic.organization("Acme EAP"))

    def charge(n: int, payer: PayerRef, minor: int, currency: str) -> LedgerEntry:
        return LedgerEntry(
            id=UUID(int=900 + n),
            payer=payer,
            kind=EntryKind.CHARGE,
            amount=Money(minor, currency),
            occurred_on=date(2026, 2, 10),
            recorded_at=clinic.clock.now(),
            cause=Cause(CauseKind.ATTENDANCE, UUID(int=950 + n)),
            case_id=case,
        )

    async with clinic.deps.uow() as u:
        await u.ledger.append(
            [charge(1, sponsor, 4000, "USD"), charge(2, person(sam), 2500, "EUR")]
        )
        u.collect_events()
        await u.commit()
    async with clinic.deps.uow() as u:
        shares = await u.ledger.case_shares(case)
        others = await u.ledger.case_shares(other)
        nothing = await u.ledger.case_shares(CaseId(UUID(int=404)))
    assert [(s.payer, s.currency, s.charged_minor, s.owes_minor) for s in shares] == [
        (sponsor, "USD", 4000, 4000),
        (person(sam), "EUR", 2500, 2500),
        (person(sam), "USD", 15000, 30000),
    ]
    assert [(s.currency, s.charged_minor, s.owes_minor) for s in others] == [("USD", 15000, 30000)]
    assert nothing == []


async def test_allocations_balances_and_paid(uow: UnitOfWorkFactory) -> None:
    """What payments build on: the ledger's balances, an invoice's open amount, settling."""
    clinic = await BillingClinic(uow).setup()
    _lee, sam, case, invoice_id = await clinic.january_invoice(day=7)
    async with clinic.deps.uow() as u:
        assert await u.ledger.payer_balance(person(sam), "USD") == Money(15000, "USD")
        (share,) = await u.ledger.case_shares(case)
        assert (share.payer, share.currency, share.charged_minor, share.owes_minor) == (
            person(sam),
            "USD",
            15000,
            15000,
        )
        assert await u.ledger.participant_charges(case, sam) == Money(15000, "USD")
        assert await u.invoices.open_for_payer(person(sam)) == [(invoice_id, Money(15000, "USD"))]
        await u.invoices.add_allocation(
            Allocation(
                UUID(int=7), UUID(int=8), invoice_id, Money(15000, "USD"), clinic.clock.now()
            )
        )
        invoice = await u.invoices.get(invoice_id)
        assert invoice is not None
        paid = await u.invoices.allocated([invoice_id])
        invoice.settle(paid[invoice_id], clinic.clock.now())
        await u.invoices.update(invoice)
        u.collect_events()
        await u.commit()
    assert (await clinic.invoice(invoice_id)).status is InvoiceStatus.PAID
    async with clinic.deps.uow() as u:
        assert await u.invoices.open_for_payer(person(sam)) == []
        assert (await u.invoices.search(status=InvoiceStatus.PAID)).rows[0].paid_minor == 15000


async def test_aging_comes_a_page_of_payers_by_name_with_the_count_and_totals_of_all(
    uow: UnitOfWorkFactory,
) -> None:
    """The aging screen's page: the payers with something open on an issued invoice, by name
    (code point order: "Émile" after "Zoe"; an unknown payer's empty name first), then id;
    the buckets by days since issue (30 is 0-30, 31 is 31-60...); the count and the four
    totals of every such payer on every page, a page past the end empty."""
    clinic = await BillingClinic(uow).setup()
    today, at_ = date(2026, 3, 10), datetime(2026, 1, 1, 9, tzinfo=UTC)
    zoe, ann, emile = [
        person(await clinic.person(n)) for n in ("Zoe Adams", "Ann Baker", "Émile Roux")
    ]
    acme = org(await clinic.organization("Acme Health"))
    unknown = PayerRef.person(PersonId(UUID(int=999)))
    settled = person(await clinic.person("Paid Up"))
    drafted, voided = [person(await clinic.person(n)) for n in ("Only Draft", "Only Void")]
    entries: list[LedgerEntry] = []
    invoices: list[Invoice] = []

    def issued(payer: PayerRef, minor: int, days_ago: int | None) -> Invoice:
        n = len(invoices) + 1
        entry = LedgerEntry(
            id=UUID(int=100 + n),
            payer=payer,
            kind=EntryKind.CHARGE,
            amount=Money(minor, "USD"),
            occurred_on=date(2025, 11, 1),
            recorded_at=at_,
            cause=Cause(CauseKind.ATTENDANCE, UUID(int=200 + n)),
        )
        inv = Invoice(
            id=UUID(int=300 + n),
            payer=payer,
            currency="USD",
            created_at=at_,
            period_start=date(2025, 11, 1),
            period_end=date(2025, 11, 30),
        )
        inv.add_lines([InvoiceLine(entry.id, entry.occurred_on, "Session", entry.amount)])
        if days_ago is not None:
            inv.issue(n, at_, date.fromordinal(today.toordinal() - days_ago))
        entries.append(entry)
        invoices.append(inv)
        return inv

    async with clinic.deps.uow() as u:
        empty = await u.invoices.aging(today, offset=0, limit=10)
    assert (empty.rows, empty.count, empty.totals) == ([], 0, (0, 0, 0, 0))
    issued(ann, 10000, 30)
    issued(ann, 5000, 31)
    issued(zoe, 3000, 61)
    issued(zoe, 700, 90)
    partly = issued(acme, 20000, 91)
    issued(emile, 4000, 0)
    issued(unknown, 1500, 45)
    fully = issued(settled, 8000, 10)  # open nothing, still issued: not listed
    issued(drafted, 9000, None)
    issued(voided, 6000, 40).void("Wrong address", at_)
    async with clinic.deps.uow() as u:
        await u.ledger.append(entries)
        await u.invoices.add_many(invoices)
        for n, (inv, minor) in enumerate(((partly, 5000), (fully, 8000))):
            await u.invoices.add_allocation(
                Allocation(UUID(int=400 + n), UUID(int=500 + n), inv.id, Money(minor, "USD"), at_)
            )
        u.collect_events()
        await u.commit()

    totals = (10000 + 4000, 5000 + 1500, 3000 + 700, 15000)
    async with clinic.deps.uow() as u:
        whole = await u.invoices.aging(today, offset=0, limit=10)
        second = await u.invoices.aging(today, offset=1, limit=2)
        past = await u.invoices.aging(today, offset=5, limit=2)
    assert [(r.payer, r.payer_name) for r in whole.rows] == [
        (unknown, ""),
        (acme, "Acme Health"),
        (ann, "Ann Baker"),
        (zoe, "Zoe Adams"),
        (emile, "Émile Roux"),
    ]
    assert [(r.days_0_30, r.days_31_60, r.days_61_90, r.days_over_90) for r in whole.rows] == [
        (0, 1500, 0, 0),
        (0, 0, 0, 15000),
        (10000, 5000, 0, 0),
        (0, 0, 3700, 0),
        (4000, 0, 0, 0),
    ]
    assert (whole.count, whole.totals) == (5, totals)
    assert second.rows == whole.rows[1:3] and (second.count, second.totals) == (5, totals)
    assert (past.rows, past.count, past.totals) == ([], 5, totals)
