"""The demo's billing: every past month invoiced on its 1st with an unbroken sequence, the
sponsor's consultation group on one monthly invoice, this month's sessions left unbilled."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from core.domain.billing.invoices import InvoiceStatus
from core.services.billing.views import invoices as views
from tests.unit.demo.test_demo import ADMIN, Demo, load


@pytest.fixture(scope="module")
def d() -> Demo:
    return asyncio.run(load(datetime(2026, 11, 27, 9, 30, tzinfo=UTC)))


async def test_the_demo_has_issued_invoices_and_unbilled_sessions(d: Demo):
    morgan = await d.actor(ADMIN)
    listing = await views.invoice_list(d.deps, morgan, status=InvoiceStatus.ISSUED, page=1)
    assert listing.total >= 5
    async with d.deps.uow() as uow:
        every = await uow.invoices.search(limit=10_000)
    numbers = sorted(r.number for r in every.rows if r.number)
    assert numbers == list(range(1, len(numbers) + 1))
    assert {r.period_start.day for r in every.rows} == {1}
    organizations = [r for r in every.rows if r.payer_kind.value == "organization"]
    assert organizations, "the sponsor's monthly invoices"
    november = await views.unbilled(d.deps, morgan, d.today.replace(day=1), d.today)
    assert november.payers
    aging = await views.aging(d.deps, morgan)
    assert aging.rows


async def test_the_invoice_list_counts_up_to_a_cap_and_pages_on(
    d: Demo, monkeypatch: pytest.MonkeyPatch
):
    morgan = await d.actor(ADMIN)
    async with d.deps.uow() as uow:
        every = (await uow.invoices.search(limit=1)).total  # uncapped
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    assert every > 6
    first = await views.invoice_list(d.deps, morgan)
    assert (first.more, first.total, first.pages, len(first.rows)) == (True, 3, 2, 2)
    # Past the cap, each page counts one page further: there is always a next while more.
    third = await views.invoice_list(d.deps, morgan, page=3)
    assert (third.more, third.total, third.pages, len(third.rows)) == (True, 6, 4, 2)
    last = await views.invoice_list(d.deps, morgan, page=-(-every // 2))
    assert not last.more and last.total == every and last.pages == last.page


async def test_the_unbilled_charges_come_a_page_of_payers_at_a_time(
    d: Demo, monkeypatch: pytest.MonkeyPatch
):
    """At a large practice a month holds thousands of payers: the screen shows a page of them
    (by name) with their first charges; the totals count every payer on every page."""
    morgan = await d.actor(ADMIN)
    month = (d.today.replace(day=1), d.today)
    whole = await views.unbilled(d.deps, morgan, *month)
    assert whole.pages == 1 and len(whole.payers) == whole.payer_count >= 2
    monkeypatch.setattr(views, "UNBILLED_PAYERS", 1)
    monkeypatch.setattr(views, "UNBILLED_LINES", 1)
    pages = [await views.unbilled(d.deps, morgan, *month, page=n) for n in range(1, 20)]
    assert {p.pages for p in pages} == {whole.payer_count}
    shown = [p.payers[0] for p in pages[: whole.payer_count]]
    assert [s.payer for s in shown] == [p.payer for p in whole.payers]  # same order
    assert all(p.total == whole.total for p in pages)
    for one, all_lines in zip(shown, whole.payers, strict=True):
        assert one.lines == all_lines.lines[:1] and one.more == len(all_lines.lines) - 1
    assert pages[-1] == pages[whole.payer_count - 1]  # a page past the end: the last one


async def test_aging_comes_a_page_of_payers_at_a_time_with_the_totals_of_all(
    d: Demo, monkeypatch: pytest.MonkeyPatch
):
    morgan = await d.actor(ADMIN)
    whole = await views.aging(d.deps, morgan)
    assert whole.pages == 1 and len(whole.rows) == whole.payer_count >= 2
    monkeypatch.setattr(views, "AGING_PAYERS", 1)
    pages = [await views.aging(d.deps, morgan, page=n) for n in range(1, whole.payer_count + 2)]
    assert [r for p in pages[:-1] for r in p.rows] == whole.rows
    assert {p.totals for p in pages} == {whole.totals}
    assert pages[-1].page == pages[-1].pages == whole.payer_count  # past the end: the last
