"""The demo practice as a visitor finds it after `make run`: every scenario case is there, and
the key screens are saved for the README (docs/screenshots/ holds the chosen copies)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, OWNER, PASSWORD, Server, serve, shot
from tests.e2e.flows import open_case, panel, row, sign_in


@pytest.fixture(scope="module")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo as `make run` first shows it, untouched by the flows of the other modules."""
    with serve(tmp_path_factory.mktemp("pristine-demo"), "demo") as served:
        yield served


SCENARIO_CASES = {
    "Maya & Sam": "couple",
    "Okafor family": "family",
    "Lucas Bennett": "client",
    "Tuesday DBT skills": "group",
    "Riverside clinic consultation group": "consultation group",
    "Mindful parenting workshop": "workshop",
    "Sam Chen": "client",
    "Haddad family": "family",
    "Jordan Blake": "client",
}


def test_the_owner_finds_every_scenario_case_of_the_demo(page: Page):
    sign_in(page, OWNER, PASSWORD)
    page.goto("/cases")
    results = page.locator("#case-results")
    for name, kind in SCENARIO_CASES.items():
        expect(row(results, name, kind)).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(len(SCENARIO_CASES))
    shot(page, "30-case-list")
    shot(page, "readme-case-list")

    # Search by a person's name finds every case they are in.
    page.get_by_label("Search by case or person name").fill("Sam Chen")
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(row(results, "Maya & Sam", "couple")).to_be_visible()
    expect(row(results, "Sam Chen", "client")).to_be_visible()


def test_the_couple_page_answers_who_is_in_it_who_treats_and_who_pays(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Maya & Sam")
    expect(panel(page, "team")).to_contain_text("Dr. Grace Lee")
    expect(panel(page, "team")).to_contain_text("Morgan Diaz")
    expect(row(panel(page, "billing"), "Sam Chen", "whole case")).to_be_visible()
    expect(row(panel(page, "communication"), "Maya Rivera", "email", "yes")).to_be_visible()
    shot(page, "31-couple-case")
    shot(page, "readme-couple-case", height=1180)


def test_the_group_page_shows_members_now_and_before_and_their_payers(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Tuesday DBT skills")
    now = panel(page, "participants").locator("table").first
    expect(now.locator("tbody tr")).to_have_count(6)
    expect(row(panel(page, "participants").locator("table.past"), "Ben Carter")).to_be_visible()
    expect(row(panel(page, "billing"), "Northwind Logistics EAP", "Chloe Nguyen")).to_be_visible()
    expect(panel(page, "team")).to_contain_text("Riley Park")
    shot(page, "32-group-case")
    shot(page, "readme-group-case", height=1720)


def test_a_consultation_group_has_no_diagnosis_panel(page: Page):
    sign_in(page, OWNER, PASSWORD)
    open_case(page, "Riverside clinic consultation group")
    expect(page.get_by_text("consultation group ·")).to_be_visible()
    expect(row(panel(page, "billing"), "Riverside Community Clinic", "whole case")).to_be_visible()
    expect(page.locator("#clinical")).to_have_count(0)
    expect(page.get_by_role("link", name="Clinical record")).to_have_count(0)


def test_the_case_page_fits_a_tablet(page: Page):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Okafor family")
    # Nothing wider than the screen: no sideways scrolling on a tablet.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a tablet screen"
    shot(page, "33-family-case-tablet")


def test_a_persons_page_lists_every_case_and_role_of_sam(page: Page):
    """Scenario 8: one person, two cases, no duplicated contact details."""
    sign_in(page, OWNER, PASSWORD)
    open_case(page, "Maya & Sam")
    panel(page, "participants").get_by_role("link", name="Sam Chen").click()
    expect(page.get_by_role("heading", level=1, name="Sam Chen")).to_be_visible()
    cases = page.locator("table")
    expect(cases.locator("tbody tr")).to_have_count(2)
    expect(row(cases, "Maya & Sam", "couple", "partner, payer", "Dr. Grace Lee")).to_be_visible()
    expect(row(cases, "Sam Chen", "client", "client, payer", "Dr. Sofia Martins")).to_be_visible()
    shot(page, "34-person-in-two-cases")


def test_an_organizations_page_lists_the_cases_it_pays_for(page: Page):
    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    page.get_by_label("Search by name or email").fill("Riverside")
    page.get_by_role("link", name="Riverside Community Clinic").click()
    expect(row(page.locator("table"), "Riverside clinic consultation group")).to_be_visible()


def _wrapped_dates(page: Page, where: str) -> list[str]:
    """The dates in `where` that the browser broke over two lines (one rectangle per line)."""
    return page.evaluate(
        "where => Array.from(document.querySelectorAll(where + ' time'))"
        ".filter(t => t.getClientRects().length > 1).map(t => t.textContent)",
        where,
    )


def _outgrown_labels(page: Page) -> list[str]:
    """Labels whose "(optional)" is set larger than the label itself."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('label .optional'))"
        ".filter(o => parseFloat(getComputedStyle(o).fontSize)"
        " > parseFloat(getComputedStyle(o.parentElement).fontSize))"
        ".map(o => o.parentElement.textContent.trim())"
    )


@pytest.mark.parametrize("width", [1280, 768])
def test_dates_stay_on_one_line_and_optional_stays_small(page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, LEE, PASSWORD)
    page.goto("/cases")
    expect(page.locator("#case-results time").first).to_be_visible()
    assert _wrapped_dates(page, "#case-results") == []
    assert _outgrown_labels(page) == []
    open_case(page, "Tuesday DBT skills")
    panel(page, "participants").locator("summary").first.click()  # a row's folded "End…"
    expect(panel(page, "participants").locator("form.inline").first).to_be_visible()
    for section in ("#participants", "#billing", "#clinical"):
        assert _wrapped_dates(page, section) == [], section
    assert _outgrown_labels(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
