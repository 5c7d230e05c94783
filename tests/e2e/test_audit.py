"""The owner reads the audit log in the browser: filtered by a case, downloaded as CSV; the
administrator is refused."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, LEE, OWNER, PASSWORD, shot
from tests.e2e.flows import open_case, sign_in, sign_out


def test_the_owner_filters_the_audit_log_by_a_case_and_downloads_it(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Maya & Sam")
    case_id = page.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    sign_out(page)

    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    page.get_by_label("Case id").fill(case_id)
    page.get_by_role("button", name="Filter").click()
    entries = page.locator("tr.audit-entry")
    expect(entries.first).to_be_visible()
    expect(entries.filter(has_text="Lee").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    texts = entries.all_inner_texts()
    assert texts and all("Maya & Sam" in t for t in texts), texts
    shot(page, "90-audit-log-of-a-case")

    with page.expect_download() as download_info:
        page.locator("#audit-csv").click()
    text = download_info.value.path().read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text
    assert {r["case_id"] for r in rows} == {case_id}
    assert any("Lee" in r["actor"] and r["action"] == "read" for r in rows), rows[:3]
    sign_out(page)


def test_the_administrator_cannot_open_the_audit_log(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    response = page.goto(page.url.split("/cases")[0] + "/audit")
    assert response is not None and response.status == 403, response and response.status
    sign_out(page)
