"""Payments in the browser, on the demo practice: Morgan (the administrator) records a cheque
for the Okafor father from his invoice, and finds the declined autopay of the Haddad family's
payer among the card payments that need attention."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

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
