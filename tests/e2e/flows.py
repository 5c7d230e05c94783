"""Steps several browser tests share, written as a person would do them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Locator, Page, expect

# The server's "today" (HEARTH_TIMEZONE is UTC by default).
TODAY = datetime.now(UTC).date()


def days_ago(days: int) -> str:
    """A date as a date input takes it."""
    return (TODAY - timedelta(days=days)).isoformat()


def shown(days: int) -> str:
    """The same date as the pages show it ("18 Sep 2026")."""
    day = TODAY - timedelta(days=days)
    return f"{day.day} {day:%b %Y}"


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def open_case(page: Page, name: str) -> None:
    page.goto("/cases")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def mark_page(page: Page) -> None:
    """Leave a mark in this page's JavaScript state; a full reload would wipe it."""
    page.evaluate("window.hearthSamePage = true")


def expect_same_page(page: Page) -> None:
    """The change updated the page in place (htmx), with no full reload."""
    assert page.evaluate("window.hearthSamePage === true"), "the page was reloaded"


def form(page: Page, name: str) -> Locator:
    """One of the case page's action forms, by its accessible name; its <details> opened (a
    row's action too: it is folded behind a short "End…")."""
    # By attribute: the contents of a closed <details> are not in the accessibility tree. A
    # row's form is fetched when its fold opens: until then the fold carries its name.
    found = page.locator(f'form[aria-label="{name}"]')
    fold = page.locator(f'.row-form[data-form-label="{name}"]')
    anchor = found if found.count() else fold
    folded = anchor.locator("xpath=ancestor::details")  # the case page's panel, then the action
    for n in range(folded.count()):
        details = folded.nth(n)
        if details.get_attribute("open") is None:
            details.locator("xpath=./summary").click()
    expect(found).to_be_visible()
    return found


def panel(page: Page, section_id: str) -> Locator:
    """A section of the case page (`participants`, `billing`, `history`...), its folded panel
    opened as a person would, by its summary."""
    details = page.locator(f"details.panel:has(> #{section_id})")
    found = page.locator(f"#{section_id}")
    if details.get_attribute("open") is None:
        details.locator("xpath=./summary").click()
    # An htmx answer still on its way may re-render the panels and fold this one again: open
    # it again then (`open` is idempotent, where a second click would toggle it shut).
    for _ in range(5):
        details.evaluate("d => { d.open = true; }")
        try:
            expect(found).to_be_visible(timeout=2000)
            return found
        except AssertionError:
            continue
    expect(found).to_be_visible()
    return found


def row(section: Locator, *cells: str) -> Locator:
    """The table row of `section` whose cells read `cells` in order (other cells between)."""
    pattern = r".*".join(re.escape(c) for c in cells)
    return section.get_by_role("row", name=re.compile(pattern))
