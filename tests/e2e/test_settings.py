"""Practice settings in a real browser, on a demo practice of their own (its timezone changes,
which the other browser tests must not see): the owner moves the practice to another timezone
and every calendar follows; the owner retires a service that sessions were booked with, and it
is no longer offered while those sessions keep it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, LEE, OWNER, PASSWORD, Server, _page, serve, shot
from tests.e2e.flows import TODAY, sign_in, sign_out

# The DBT group meets on Tuesdays 18:00-19:30 UTC in the demo: 13:00-14:30 in New York in
# winter, 12:00-13:30 in Chicago (the test runs in December, both on standard time).
GROUP = "Tuesday DBT skills"
# The practice's day, this week's Tuesday: the whole practice's week is a compact table of
# counts, its day a time grid with a column per clinician.
TUESDAY = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=1)
PRACTICE_TUESDAY = f"/schedule?view=day&who=all&start={TUESDAY}"
SOFIA = "sofia@hearth.example"


@pytest.fixture(scope="module")
def own_server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("settings"), "demo") as served:
        yield served


@pytest.fixture
def page(browser, own_server: Server) -> Iterator[Page]:
    with _page(browser, own_server.url) as opened:
        yield opened


def span(start: str, end: str) -> str:
    return f"{start}\N{EN DASH}{end}"  # as the calendar writes a session's time


def group_session(page: Page):
    return page.locator("a.appt", has_text=GROUP).first


def test_the_owner_changes_the_timezone_and_the_calendars_follow(page: Page):
    sign_in(page, OWNER, PASSWORD)
    page.goto(PRACTICE_TUESDAY)  # the whole practice, a column per clinician
    expect(page.get_by_text("Day · UTC")).to_be_visible()
    expect(group_session(page).locator("time")).to_have_text(span("18:00", "19:30"))

    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="The practice")).to_be_visible()
    expect(page.get_by_label("Name of the practice")).to_have_value("Hearth Demo Practice")
    page.get_by_label("Timezone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#timezone-error")).to_contain_text("is not a timezone")
    expect(page.get_by_label("Name of the practice")).to_have_value("Hearth Demo Practice")
    page.get_by_label("Timezone").fill("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("The practice's details were saved.")
    shot(page, "70-settings-practice")

    page.goto(PRACTICE_TUESDAY)
    expect(page.get_by_text("Day · America/New_York")).to_be_visible()
    expect(group_session(page).locator("time")).to_have_text(span("13:00", "14:30"))
    group_session(page).click()
    expect(page.locator("#appointment")).to_contain_text("13:00")
    sign_out(page)

    sign_in(page, LEE, PASSWORD)  # everyone's calendar, not only the owner's
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.get_by_text("Week · America/New_York")).to_be_visible()
    expect(group_session(page).locator("time")).to_have_text(span("13:00", "14:30"))
    expect(page.get_by_role("link", name="Settings", exact=True)).to_have_count(0)
    sign_out(page)

    sign_in(page, OWNER, PASSWORD)
    page.goto("/settings/practice")
    page.get_by_label("Timezone").fill("America/Chicago")
    page.get_by_role("button", name="Save").click()
    page.goto(PRACTICE_TUESDAY)
    expect(group_session(page).locator("time")).to_have_text(span("12:00", "13:30"))


def test_the_owner_retires_a_service_in_use_and_old_sessions_keep_it(page: Page):
    sign_in(page, OWNER, PASSWORD)
    page.goto("/settings/services")
    page.get_by_text("Add a service").click()
    page.get_by_label("Name").fill("Parenting workshop 90")
    page.get_by_label("Kind of work").select_option("workshop")
    page.get_by_label("Default length in minutes").fill("90")
    page.get_by_label("Fee in USD").fill("thirty")
    page.get_by_role("button", name="Add the service").click()
    expect(page.locator("#fee-error")).to_contain_text("Enter an amount")
    page.get_by_label("Fee in USD").fill("30.00")
    page.get_by_role("button", name="Add the service").click()
    expect(page.get_by_role("link", name="Parenting workshop 90")).to_be_visible()

    page.get_by_role("link", name="Parenting workshop 120").click()
    page.get_by_label(re.compile("Offered when booking")).uncheck()
    page.get_by_role("button", name="Save").click()
    retired = page.locator("tr", has=page.get_by_role("link", name="Parenting workshop 120"))
    expect(retired).to_contain_text("retired")
    shot(page, "71-settings-services")

    sign_out(page)
    sign_in(page, SOFIA, PASSWORD)  # the workshop's clinician books its sessions
    page.goto("/schedule/new")
    select = page.get_by_label("Case")
    value = select.locator("option", has_text="Mindful parenting workshop · ").first
    select.select_option(value.get_attribute("value"))
    service = page.get_by_label("Service")
    expect(service.locator("option", has_text="Parenting workshop 90")).to_have_count(1)
    expect(service.locator("option", has_text="Parenting workshop 120")).to_have_count(0)

    page.goto("/schedule?view=week")
    workshop = page.locator("a.appt", has_text="Mindful parenting workshop").first
    if not workshop.count():  # not this week: the next one has it
        page.get_by_role("link", name="Next →").click()
    page.locator("a.appt", has_text="Mindful parenting workshop").first.click()
    expect(page.locator("#appointment")).to_contain_text("Parenting workshop 120")


def test_the_administrator_keeps_rooms_and_hours_but_not_the_practice(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page).to_have_url(re.compile("/settings/services$"))
    tabs = page.get_by_role("navigation", name="Settings")
    expect(tabs.get_by_role("link", name="Practice")).to_have_count(0)
    expect(tabs.get_by_role("link", name="Reminders and cancellations")).to_have_count(0)

    tabs.get_by_role("link", name="Locations and telehealth").click()
    page.get_by_text("Add a location").click()
    page.get_by_label("Name of the new location").fill("Room 3")
    page.get_by_role("button", name="Add the location").click()
    expect(page.get_by_text("Room 3", exact=True)).to_be_visible()
    page.get_by_label("Default video link").fill("http://insecure.example.com/room")
    page.get_by_role("button", name="Save the link").click()
    expect(page.locator("#telehealth_link-error")).to_contain_text("https://")
    shot(page, "72-settings-locations")

    tabs.get_by_role("link", name="Calendar hours").click()
    page.get_by_label("Saturday: open").uncheck()
    page.get_by_label("Monday to").fill("07:00")
    page.get_by_role("button", name="Save the hours").click()
    expect(page.locator("#closes_0-error")).to_contain_text("closes after it opens")
    page.get_by_label("Monday to").fill("21:00")
    page.get_by_role("button", name="Save the hours").click()
    expect(page.get_by_label("Saturday: open")).not_to_be_checked()
    expect(page.get_by_label("Monday to")).to_have_value("21:00")
    shot(page, "73-settings-hours")
    page.goto("/settings/practice")
    expect(page.get_by_text("Only the practice owner")).to_be_visible()
