"""Privacy in the directory, a minor's case in one form, and the case page at a glance, done in
a real browser on the demo practice."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, PASSWORD, shot
from tests.e2e.flows import open_case, panel, row, sign_in

SOFIA = "sofia@hearth.example"


def test_a_clinician_does_not_find_another_clinicians_client_and_the_warning_names_nobody(
    page: Page,
):
    sign_in(page, SOFIA, PASSWORD)
    # People: Dr. Lee's clients are not listed to Dr. Martins, by name or by search.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    results = page.locator("#people-results")
    expect(results).to_contain_text("Sam Chen")  # hers too: his own individual work
    expect(results).not_to_contain_text("Maya Rivera")
    expect(results).not_to_contain_text("Okafor")
    page.get_by_label("Search by name or email").fill("Okafor")
    expect(results).to_contain_text("Nobody matches")
    # Nor in a picker: the payer search of a new case.
    page.goto("/cases/new/individual")
    page.get_by_label("Find a paying person or organization").fill("Ngozi")
    expect(page.locator("#payer-options")).to_contain_text("Nobody in the directory matches")
    page.get_by_label("Find a client").fill("Maya")
    expect(page.locator("#participant-options")).to_contain_text("Nobody in the directory")
    # Entering Dr. Lee's client again is refused without saying who it is.
    page.goto("/people/new")
    page.get_by_label("Legal name").fill("N. Okafor")
    page.get_by_label("Mobile phone").fill("+1 555 010 2020")
    page.get_by_role("button", name="Add to the directory").click()
    alert = page.get_by_role("alert").filter(has_text="already a client of the practice")
    expect(alert).to_contain_text("ask the practice owner to link them")
    expect(page.locator("main")).not_to_contain_text("Ngozi")
    expect(page.locator("main")).not_to_contain_text("Grace Lee")
    shot(page, "60-duplicate-names-nobody")


def test_a_minors_individual_case_with_representative_and_payer_in_one_form(page: Page):
    sign_in(page, LEE, PASSWORD)
    page.goto("/cases/new/individual")
    page.get_by_label("Client 1: name").fill("Rosa Lind")
    page.get_by_label("Client 1: date of birth").fill("2012-02-03")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("A person new to the practice represents the client").check()
    page.get_by_label("Representative's name").fill("Petra Lind")
    page.get_by_label("Representative's email").fill("petra.lind@example.org")
    page.get_by_label("The representative pays").check()
    shot(page, "61-minor-case-form")
    page.get_by_role("button", name="Open the client").click()
    expect(page.get_by_role("heading", level=1, name="Rosa Lind")).to_be_visible()
    participants = panel(page, "participants")
    expect(participants.locator(".age")).to_have_text(re.compile(r"^1[34] yrs$"))
    expect(row(panel(page, "helpers"), "Petra Lind", "Rosa Lind")).to_be_visible()
    expect(row(panel(page, "billing"), "Petra Lind", "whole case")).to_be_visible()
    expect(page.locator("#at-a-glance")).not_to_contain_text("no representative")


def test_the_case_head_shows_the_next_and_the_last_session(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Maya & Sam")
    head = page.locator("#at-a-glance")
    expect(head).to_be_visible()
    expect(head.get_by_role("heading", name="Next session")).to_be_visible()
    expect(head.get_by_role("list", name="Expected at the next session")).to_contain_text(
        "Maya Rivera"
    )
    expect(head.get_by_role("heading", name="Last session")).to_be_visible()
    came = head.get_by_role("list", name="At the last session")
    expect(came).to_contain_text("Sam Chen")
    expect(came).to_contain_text("attended")
    # The panels below are folded but one; opening one is a click on its summary.
    expect(page.locator("details.panel[open]")).to_have_count(1)
    panel(page, "team")
    shot(page, "62-case-head")
