"""In a real browser: a co-therapist's role ends on a chosen last day from its folded "End…",
the team changes through "Change the team" (its form fetched when opened), an organization's
details change from its page, and the case's schedule section lists people one a line with
dates as people read them. On its own demo, so the other modules' flows and
this one's never see each other's changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, OWNER, PASSWORD, Server, serve
from tests.e2e.flows import (
    days_ago,
    expect_same_page,
    form,
    mark_page,
    open_case,
    panel,
    row,
    shown,
    sign_in,
)


@pytest.fixture(scope="module")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("team-demo"), "demo") as served:
        yield served


def test_a_co_therapist_ends_on_the_last_day_chosen(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Tuesday DBT skills")
    team = panel(page, "team")
    # Folded until wanted, behind the same short word as a member's row.
    expect(team.get_by_role("button", name="End co-therapist role of Riley Park")).to_be_hidden()
    mark_page(page)
    end = form(page, "Riley Park stops as co-therapist")
    # A day before the role began is refused next to the day, which keeps what was typed.
    end.get_by_label("Last day as co-therapist of Riley Park").fill(days_ago(3650))
    end.get_by_role("button", name="End co-therapist role of Riley Park").click()
    end = page.locator('form[aria-label="Riley Park stops as co-therapist"]')
    day = end.get_by_label("Last day as co-therapist of Riley Park")
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(day).to_have_value(days_ago(3650))
    expect(end.locator(".field-error")).to_contain_text("cannot end on")
    # Yesterday is taken: Riley moves to the team's past with that last day.
    day.fill(days_ago(1))
    end.get_by_role("button", name="End co-therapist role of Riley Park").click()
    expect(row(team.locator("table.past"), "Riley Park", "co-therapist", shown(1))).to_be_visible()
    fold = '.row-form[data-form-label="Riley Park stops as co-therapist"]'
    expect(page.locator(fold)).to_have_count(0)  # nothing left to end
    expect_same_page(page)


def test_the_team_changes_through_its_fetched_form(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Tuesday DBT skills")
    team = panel(page, "team")
    mark_page(page)
    # The choice of every staff member comes when "Change the team" is opened.
    expect(team.locator('select[name="staff_id"]')).to_have_count(0)
    assign = form(page, "Change the team")
    assign.get_by_label("Responsibility").select_option(label="co-therapist")
    assign.get_by_label("Staff member").select_option(label="Dr. Sofia Martins")
    assign.get_by_role("button", name="Assign").click()
    # Assigned (not refused in place): her duty is on the team with its own folded end.
    therapists = team.locator("dt:has-text('Co-therapists') + dd")
    expect(therapists).to_contain_text("Dr. Sofia Martins")
    fold = '.row-form[data-form-label="Dr. Sofia Martins stops as co-therapist"]'
    expect(page.locator(fold)).to_have_count(1)
    expect(page.locator(".field-error")).to_have_count(0)
    expect_same_page(page)


def test_an_organizations_details_change_from_its_page(page: Page):
    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="Riverside Community Clinic").click()
    page.get_by_text("Edit details").click()
    page.get_by_label("Contact person").fill("Dana Ortiz")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    # Refused next to the email; the other change is still in the form.
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.get_by_label("Contact person")).to_have_value("Dana Ortiz")
    page.get_by_label("Email").fill("billing@riverside.example")
    page.get_by_role("button", name="Save").click()
    facts = page.locator(".facts-list")
    expect(facts).to_contain_text("Dana Ortiz")
    expect(facts).to_contain_text("billing@riverside.example")


def test_the_schedule_section_lists_people_one_a_line(page: Page):
    sign_in(page, LEE, PASSWORD)
    open_case(page, "Maya & Sam")
    section = panel(page, "case-schedule")
    last = section.get_by_role("list", name="At the last session")
    people = last.get_by_role("listitem")
    expect(people).to_have_count(2)
    first, second = (people.nth(i).bounding_box() for i in (0, 1))
    assert first is not None and second is not None
    assert second["y"] >= first["y"] + first["height"] - 1, "the names run together"
    # Dates read "6 Jan 2026", with the ISO moment kept for machines.
    moment = section.locator("time").first
    expect(moment).to_have_attribute("datetime", re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"))
    expect(moment).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$"))
