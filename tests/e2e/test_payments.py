"""Payments in the browser, on the demo practice: Morgan (the administrator) records a cheque
for the Okafor father from his invoice, and finds the declined autopay of the Haddad family's
payer among the card payments that need attention, on his account and on her "Needs attention"
screen; and she issues the sponsor's invoice (the clinic paying for the consultation group) from
its unbilled charges and downloads its PDF."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import ADMIN, PASSWORD, shot
from tests.e2e.flows import sign_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _readme_copy(page: Page, name: str) -> None:
    shutil.copy(shot(page, name, height=860), SCREENSHOTS / f"{name}.png")


def test_morgan_records_a_cheque_for_the_okafor_father(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    page.goto("/billing/invoices")
    page.locator("tr.invoice-row", has_text="Emeka Okafor").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("issued")
    invoice_url = page.url
    still_open = page.locator("tfoot tr", has_text="Open").locator("td").inner_text().strip()
    page.get_by_role("link", name="Record a payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emeka Okafor: account")

    record = page.locator("form[action$='/payments']")
    record.get_by_label("How it was paid").select_option("cheque")
    record.get_by_label("Amount (USD)").fill(still_open)
    record.get_by_role("button", name="Record payment").click()
    # A cheque needs its number: said next to the field, what was typed kept.
    expect(page.locator("#reference-error")).to_contain_text("cheque number")
    expect(record.get_by_label("Amount (USD)")).to_have_value(still_open)
    record.get_by_label("Cheque number or transfer reference").fill("2044")
    record.get_by_role("button", name="Record payment").click()

    expect(page.get_by_role("status")).to_have_text("The payment was recorded.")
    cheque = page.locator("tr.payment", has_text="2044")
    expect(cheque).to_contain_text("Cheque")
    expect(cheque).to_contain_text(still_open)
    expect(page.locator("tr.payment", has_text="TRF 2231")).to_contain_text("Bank transfer")
    expect(page.locator(".payer-balance")).to_contain_text("Nothing owed")
    _readme_copy(page, "payments-cheque")

    # Back on the invoice: paid.
    page.goto(invoice_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("paid")


def test_a_declined_autopay_needs_morgans_attention(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    page.goto("/billing/payments/declined")
    declined = page.locator("tr.declined-payment", has_text="Rania Haddad")
    expect(declined).to_contain_text("(autopay)")
    expect(declined).to_contain_text("declined")
    declined.get_by_role("link", name="Rania Haddad").click()
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text(re.compile(r"Autopay of [0-9.]+ USD declined"))
    expect(page.locator(".saved-card")).to_contain_text("Visa ending 0341")
    _readme_copy(page, "payments-needs-attention")

    # The same decline on her "Needs attention" screen, one click from the payer's account.
    page.get_by_role("link", name="Needs attention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs attention")
    section = page.get_by_role("region", name=re.compile("^Declined card payments"))
    row = section.locator("li", has_text="Rania Haddad")
    expect(row).to_contain_text(re.compile(r"declined", re.IGNORECASE))
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rania Haddad: account")
    expect(page.locator(".saved-card")).to_contain_text("Visa ending 0341")


SPONSOR = "Riverside Community Clinic"


def _unbilled_for_the_sponsor(page: Page) -> None:
    """Open the Unbilled screen on a month with the sponsor's charges. The demo's monthly
    consultation session falls in the month shown or in one already invoiced by the 1st's
    run, by the day the demo is loaded; in the second case Morgan voids that invoice, without
    reissuing it, in the browser, which makes its charges unbilled again."""
    page.goto("/billing/unbilled")
    if page.get_by_role("region", name=re.compile(f"^{SPONSOR}")).count():
        return
    page.goto("/billing/invoices?status=issued")
    page.locator("tr.invoice-row", has_text=SPONSOR).get_by_role("link").first.click()
    void = page.locator("form.void-form")
    void.get_by_label("Reason").fill("Sent before the clinic's new cost centre was known")
    void.get_by_role("button", name="Void").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("void")
    period_start = page.locator(".facts-list dd time").first.get_attribute("datetime") or ""
    page.goto(f"/billing/unbilled?month={period_start[:7]}")


def test_morgan_issues_the_sponsors_invoice_and_downloads_its_pdf(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    _unbilled_for_the_sponsor(page)
    unbilled = page.get_by_role("region", name=re.compile(f"^{SPONSOR}"))
    expect(unbilled.locator("tbody tr").first).to_be_visible()
    unbilled.get_by_role("button", name="Draft an invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")
    expect(page.locator(".facts-list")).to_contain_text(SPONSOR)
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("issued")
    number = re.sub(r"^Invoice (\S+).*", r"\1", page.get_by_role("heading", level=1).inner_text())
    total = page.locator("tfoot tr", has_text="Total").locator("td").inner_text().strip()
    _readme_copy(page, "payments-sponsor-invoice")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert SPONSOR in text
    assert number in text
    assert total.split()[0] in text  # the amount, as the page shows it
