"""Issue 14, finding 12 in a real browser: the same case open in two tabs, renamed in one, then
in the other. The stale tab's rename is refused in place (htmx) with both names shown and what
was typed kept; saving again from there is a deliberate overwrite."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import LEE, PASSWORD, _page
from tests.e2e.flows import form, sign_in
from tests.e2e.test_case_flows import new_case_form


def _rename(page, name: str) -> None:
    rename = form(page, "Rename the case")
    rename.get_by_label(re.compile("^Name of the")).fill(name)
    rename.get_by_role("button", name="Rename").click()


def test_a_rename_from_a_stale_tab_is_refused_in_place(browser, server):
    with _page(browser, server.url) as first, _page(browser, server.url) as second:
        sign_in(first, LEE, PASSWORD)
        new_case_form(first, "couple")
        first.get_by_label("Partner 1: name").fill("Stella Tabb")
        first.get_by_label("Partner 2: name").fill("Sol Tabb")
        first.get_by_role("button", name="Open the couple").click()
        expect(first).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
        url = first.url
        sign_in(second, LEE, PASSWORD)
        second.goto(url)  # both tabs read the case now

        _rename(first, "The Tabbs")
        expect(first.get_by_role("heading", level=1, name="The Tabbs")).to_be_visible()

        _rename(second, "Stella and Sol")
        conflict = second.get_by_role("alert").filter(has_text="Someone else changed this case")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("The Tabbs")
        expect(conflict).to_contain_text("Stella and Sol")
        expect(second).to_have_url(url)  # in place, no navigation
        expect(second.get_by_role("heading", level=1, name="The Tabbs")).to_be_visible()
        typed = form(second, "Rename the case").get_by_label(re.compile("^Name of the"))
        expect(typed).to_have_value("Stella and Sol")

        form(second, "Rename the case").get_by_role("button", name="Rename").click()
        expect(second.get_by_role("heading", level=1, name="Stella and Sol")).to_be_visible()
        expect(conflict).to_have_count(0)
