"""Scenario 7 in a browser: the administrator works on Dr. Lee's cases and cannot open any
clinical panel, not even by typing its address."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, PASSWORD, shot
from tests.e2e.flows import open_case, panel, row, sign_in, sign_out


def test_the_administrator_sees_schedules_and_money_but_no_clinical_panel(page: Page):
    # Dr. Martins's own client, whose address the administrator will try by hand.
    sign_in(page, "sofia@hearth.example", PASSWORD)
    open_case(page, "Sam Chen")
    other_clinicians_case = page.url
    sign_out(page)

    sign_in(page, ADMIN, PASSWORD)
    open_case(page, "Maya & Sam")
    couple = page.url
    expect(row(panel(page, "billing"), "Sam Chen", "whole case")).to_be_visible()
    expect(row(panel(page, "participants"), "Maya Rivera", "partner")).to_be_visible()
    expect(page.get_by_role("link", name="Clinical record")).to_have_count(0)
    expect(page.locator("#clinical")).to_have_count(0)
    expect(page.get_by_text("Z63.0")).to_have_count(0)
    shot(page, "20-administrator-on-couple")

    response = page.goto(f"{couple}/clinical")
    assert response is not None and response.status in (403, 404), response and response.status
    expect(page.get_by_text("Z63.0")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Maya & Sam")
    # A refusal keeps her in the practice: the navigation, and a way back to her work.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Calendar")).to_be_visible()
    expect(page.get_by_role("link", name="Your cases")).to_be_visible()
    shot(page, "21-administrator-refused-clinical")

    # A case of a clinician she does not support does not exist for her.
    response = page.goto(other_clinicians_case)
    assert response is not None and response.status == 404, response and response.status
    expect(page.get_by_text("Sam Chen")).to_have_count(0)


def test_dr_lee_reads_the_clinical_record_of_her_couple(page: Page):
    """The same page for the treating clinician: the refusal above is about the role."""
    sign_in(page, "lee@hearth.example", PASSWORD)
    open_case(page, "Maya & Sam")
    page.get_by_role("link", name="Clinical record").click()
    expect(page.get_by_text("Z63.0").first).to_be_visible()
