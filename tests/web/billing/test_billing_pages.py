"""The billing screens: the owner and administrators see unbilled charges, invoices, one
invoice and its PDF (practice's name, address and tax id, the lines and figures, checked in the
PDF's own text), aging; clinicians get none of it."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from uuid import UUID

import pypdf
import pytest

from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.values import Money
from tests.support.billing_world import bill_january
from tests.web.conftest import World


@pytest.fixture
def invoice_id(world: World):
    return asyncio.run(bill_january(world))


@pytest.mark.parametrize("who", ["owner", "pat"])
def test_billing_staff_see_the_invoice_and_download_its_pdf(signed_in, world, invoice_id, who):
    browser = signed_in(who)
    listing = browser.get("/billing/invoices")
    assert listing.status_code == 200
    assert "INV-000001" in listing.text and "Sam Chen" in listing.text and "170.00" in listing.text
    page = browser.get(f"/billing/invoices/{invoice_id}")
    assert page.status_code == 200
    assert "Couple session 50" in page.text and "90847" in page.text
    assert "Download PDF" in page.text
    pdf = browser.get(f"/billing/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="INV-000001.pdf"' in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Hearth Family Therapy",
        "12 Elm Street, Springfield",
        "EIN 12-3456789",
        "INV-000001",
        "Sam Chen",
        "2026-01-06",
        "Couple session 50",
        "90847",
        "170.00",
    ):
        assert expected in text, expected
    # A couple's session is the case's: the invoice names no participant, nothing clinical.
    assert "Maya" not in text and "Diagnos" not in text


def test_filters_paging_and_the_htmx_fragment(signed_in, invoice_id):
    browser = signed_in("owner")
    issued = browser.get("/billing/invoices?status=issued")
    assert "INV-000001" in issued.text
    paid = browser.get("/billing/invoices?status=paid")
    assert "INV-000001" not in paid.text and "No invoices paid" in paid.text
    fragment = browser.get("/billing/invoices?status=issued", htmx=True)
    assert "INV-000001" in fragment.text and "<html" not in fragment.text
    assert browser.get("/billing/invoices?page=x²").status_code == 200
    february = browser.get("/billing/invoices?issued_from=2026-02-01&issued_to=2026-02-28")
    assert "INV-000001" in february.text
    march = browser.get("/billing/invoices?issued_from=2026-03-01&issued_to=not-a-date")
    assert "INV-000001" not in march.text


def test_void_needs_a_reason_then_reissues(signed_in, invoice_id):
    browser = signed_in("owner")
    page = browser.get(f"/billing/invoices/{invoice_id}").text
    version = re.search(r'name="version" value="([0-9]+)"', page).group(1)
    refused = browser.post(
        f"/billing/invoices/{invoice_id}/void", {"version": version, "reason": ""}
    )
    assert refused.status_code == 422 and "Say why the invoice is voided." in refused.text
    done = browser.post(
        f"/billing/invoices/{invoice_id}/void",
        {"version": version, "reason": "Wrong address", "reissue": "on"},
    )
    assert done.status_code == 303
    again = browser.get(done.headers["location"])
    assert "INV-000002" in again.text and "the voided invoice" in again.text
    old = browser.get(f"/billing/invoices/{invoice_id}")
    assert "void" in old.text and "Wrong address" in old.text
    stale = browser.post(
        f"/billing/invoices/{invoice_id}/void", {"version": version, "reason": "Twice"}
    )
    assert stale.status_code == 422


def test_the_monthly_run_button_is_idempotent_and_unbilled_lists_what_is_left(
    signed_in, invoice_id
):
    browser = signed_in("pat")
    assert (
        "Every charge of this month is on an invoice."
        in browser.get("/billing/unbilled?month=2026-01").text
    )
    run = browser.post("/billing/run", {"month": "2026-01"})
    assert run.status_code == 303 and "issued=0" in run.headers["location"]
    bad = browser.post("/billing/run", {"month": "January"})
    assert bad.status_code == 422 and "A month is written 2026-11." in bad.text
    aging = browser.get("/billing/aging")
    assert aging.status_code == 200 and "Sam Chen" in aging.text and "170.00" in aging.text


@pytest.mark.parametrize("who", ["lee", "kim", "ash"])
def test_clinicians_see_no_billing_screens(signed_in, invoice_id, who):
    browser = signed_in(who)
    for path in (
        "/billing/invoices",
        f"/billing/invoices/{invoice_id}",
        f"/billing/invoices/{invoice_id}/pdf",
        "/billing/unbilled",
        "/billing/aging",
    ):
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "Sam Chen" not in response.text
    assert browser.post("/billing/run", {"month": "2026-01"}).status_code == 403
    assert 'href="/billing/invoices"' not in browser.get("/cases").text


def _money_block(html: str) -> str:
    start = html.index('id="case-money"')
    return html[start : html.index("</div>", start)]


def test_the_case_head_shows_the_balance_and_payers_share(signed_in, world, invoice_id):
    couple = world.cases["couple"]
    for who in ("owner", "pat"):
        block = _money_block(signed_in(who).get(f"/cases/{couple}").text)
        assert "Charged for this case: 170.00 USD" in block
        assert "Sam Chen: 170.00 of it; owes 170.00 in all" in block
    # The treating clinician: owed or paid up, no figures, no payer's account.
    block = _money_block(signed_in("lee").get(f"/cases/{couple}").text)
    assert "Owed" in block and "170.00" not in block and "Sam Chen" not in block


def test_a_case_charged_in_two_currencies_says_which_is_which(signed_in, world, invoice_id):
    """The owner changed the currency after some charges: the head sums each currency apart
    and each payer's line names its own."""
    couple = world.cases["couple"]

    async def charge_in_euros() -> None:
        async with world.practice.deps.uow() as uow:
            await uow.ledger.append(
                [
                    LedgerEntry(
                        id=UUID(int=4242),
                        payer=PayerRef(PayerKind.PERSON, world.people["sam"]),
                        kind=EntryKind.CHARGE,
                        amount=Money(9000, "EUR"),
                        occurred_on=date(2026, 2, 3),
                        recorded_at=world.practice.clock.now(),
                        cause=Cause(CauseKind.ATTENDANCE, UUID(int=4343)),
                        case_id=couple,
                    )
                ]
            )
            uow.collect_events()
            await uow.commit()

    asyncio.run(charge_in_euros())
    block = _money_block(signed_in("owner").get(f"/cases/{couple}").text)
    assert "Charged for this case: 90.00 EUR + 170.00 USD" in block
    assert "Sam Chen: 90.00 EUR of it; owes 90.00 in all" in block
    assert "Sam Chen: 170.00 USD of it; owes 170.00 in all" in block


def test_a_case_fee_from_a_date_recharges_the_sessions_since(signed_in, world, invoice_id):
    couple = world.cases["couple"]
    browser = signed_in("owner")
    bad = browser.post(
        f"/billing/cases/{couple}/fees", {"fee_from": "2026-01-01", "fee_amount": "ninety"}
    )
    assert bad.status_code == 422 and "Enter an amount such as 150 or 150.00." in bad.text
    done = browser.post(
        f"/billing/cases/{couple}/fees", {"fee_from": "2026-01-01", "fee_amount": "90.00"}
    )
    assert done.status_code == 303
    block = _money_block(browser.get(f"/cases/{couple}").text)
    # The January session, invoiced at 170.00, is corrected: -170.00 and +90.00, unbilled.
    assert "Charged for this case: 90.00 USD" in block and "From" in block
    unbilled = browser.get("/billing/unbilled?month=2026-01").text
    assert "Correction: Couple session 50" in unbilled and "-170.00" in unbilled
    assert (
        signed_in("kim")
        .post(f"/billing/cases/{couple}/fees", {"fee_from": "2026-01-01", "fee_amount": "90.00"})
        .status_code
        == 404
    )


def test_a_void_reason_with_a_control_character_is_refused_before_it_is_stored(
    signed_in, invoice_id
):
    """The billing forms read their form themselves (not through `form_action`): a NUL in
    the reason is the edge's 422 next to the field, not kept (SQLite, memory) or a 500."""
    browser = signed_in("owner")
    page = browser.get(f"/billing/invoices/{invoice_id}").text
    version = re.search(r'name="version" value="([0-9]+)"', page).group(1)
    refused = browser.post(
        f"/billing/invoices/{invoice_id}/void", {"version": version, "reason": "Wrong\x00"}
    )
    assert refused.status_code == 422 and "invisible control character" in refused.text
    assert "Wrong" not in browser.get(f"/billing/invoices/{invoice_id}").text


@pytest.mark.parametrize("month", ["9999-12", "\u0662\u0660\u0662\u0666-\u0661\u0661", "2026-99"])
def test_a_month_that_cannot_be_is_a_message_not_a_500(signed_in, month):
    browser = signed_in("owner")
    listing = browser.get("/billing/unbilled", params={"month": month})
    assert listing.status_code in (400, 422)
    run = browser.post("/billing/run", data={"month": month})
    assert run.status_code == 422 and "A month is written 2026-11." in run.text
