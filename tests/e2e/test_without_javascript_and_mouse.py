"""The pages work without JavaScript (plain links and form posts), and by keyboard alone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, PASSWORD, shot
from tests.e2e.flows import open_case, panel, row, sign_in


def test_a_case_is_read_and_changed_without_javascript(page_without_javascript: Page):
    page = page_without_javascript
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Lucas Bennett")
    expect(row(panel(page, "participants"), "Lucas Bennett", "client")).to_be_visible()
    expect(row(panel(page, "billing"), "Claire Bennett", "whole case")).to_be_visible()
    expect(row(panel(page, "helpers"), "Claire Bennett", "representative")).to_be_visible()
    case_url = page.url

    # A plain form post, answered with a redirect back to the changed panel.
    panel(page, "communication").locator("summary").click()
    receives = page.locator('form[aria-label="Set what someone receives"]')
    receives.get_by_label("Person").select_option(label="Lucas Bennett")
    receives.get_by_label("Appointment reminders").check()
    receives.get_by_label("Portal access").check()
    receives.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(re.escape(case_url) + r"#communication$"))
    expect(
        row(panel(page, "communication"), "Lucas Bennett", "email", "yes", "no", "no", "yes")
    ).to_be_visible()
    shot(page, "40-teen-case-without-javascript")

    # A row's folded action carries a link instead of its form: the page opens with it.
    helpers = panel(page, "helpers")
    helpers.locator("summary", has_text="End… (representative role of Claire Bennett)").click()
    helpers.locator("a", has_text="Show the form: End representative role of Claire").click()
    expect(
        page.get_by_role("form", name="End representative role of Claire Bennett")
    ).to_be_visible()


def test_signing_in_and_opening_a_case_by_keyboard(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Email").focus()
    page.keyboard.type(LEE)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases$"))

    link = page.get_by_role("link", name="Okafor family", exact=True)
    for _ in range(60):  # Tab through the page until the case's link has the focus
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the case's link cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Okafor family")).to_be_visible()

    # A collapsed action opens from the keyboard too.
    summary = panel(page, "participants").locator("summary", has_text="Add a family member")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator('form[aria-label="Add a family member"]')).to_be_visible()

    # So does a row's folded "End…": its date and its button follow it in the Tab order.
    end = page.get_by_role("form", name="End membership of Ngozi Okafor")
    expect(end).to_be_hidden()
    panel(page, "participants").locator(
        "summary", has_text="End… (membership of Ngozi Okafor)"
    ).focus()
    page.keyboard.press("Enter")
    expect(end).to_be_visible()
    page.keyboard.press("Tab")
    expect(end.get_by_label("Last day of Ngozi Okafor")).to_be_focused()
    button = end.get_by_role("button", name="End membership of Ngozi Okafor")
    for _ in range(4):  # a date input's day, month and year are Tab stops of their own
        page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    expect(button).to_be_focused()
