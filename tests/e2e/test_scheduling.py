"""Scheduling in a real browser on the demo practice (SQLite): a weekly group booked from the
calendar with two weeks of attendance (an absence, a late cancellation), the Okafor family's
code following the identified client's attendance, and an administrator booking in the
calendar of the clinician she supports.

Sessions are booked early in the morning (07:00-09:00, the server's timezone), where the demo
has nothing, on days relative to today so that the first ones have already taken place."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, LEE, PASSWORD, shot
from tests.e2e.flows import TODAY, expect_same_page, mark_page, panel, sign_in

APPOINTMENT = re.compile(r"/appointments/[0-9a-f-]{36}$")


def choose(page: Page, field: str, starting: str) -> None:
    """Pick the option of a select whose text starts with `starting`."""
    select = page.get_by_label(field)
    value = select.locator("option", has_text=starting).first.get_attribute("value")
    select.select_option(value)


def book(page: Page, case: str, service: str, start: str, *, repeat: int | None = None) -> None:
    """On the booking form: the case (the form then offers its services), the time, Book."""
    choose(page, "Case", f"{case} · ")
    expect(page.get_by_label("Service")).to_be_visible()  # the form followed the case (htmx)
    choose(page, "Service", service)
    page.get_by_label("Starts").fill(start)
    if repeat:
        page.get_by_label("Repeat this appointment").check()
        page.get_by_label("Or number of sessions").fill(str(repeat))
    page.get_by_role("button", name="Book").click()
    expect(page).to_have_url(APPOINTMENT)


def mark(page: Page, person: str, what: str) -> None:
    page.get_by_role("button", name=f"{what}: {person}").click()
    expect(page.get_by_role("button", name=f"{what}: {person}")).to_have_attribute(
        "aria-pressed", "true"
    )


def attendance_of(page: Page, person: str):
    return page.locator("#attendance tr", has_text=person).locator("td.mark")


GROUP = [
    "Ava Thompson",
    "Chloe Nguyen",
    "Daniel Kim",
    "Elena Petrova",
    "Farah Ali",
    "George Miller",
]


def test_weekly_group_booked_from_the_calendar_with_two_weeks_of_attendance(page: Page):
    sign_in(page, LEE, PASSWORD)
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Dr. Grace Lee"))).to_be_visible()
    # Fast through the weeks: Next and Previous swap the calendar in place.
    mark_page(page)
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"start="))
    page.get_by_role("link", name="← Previous").click()
    expect(page.get_by_text("Tuesday DBT skills").first).to_be_visible()
    expect_same_page(page)
    shot(page, "50-calendar-week")

    page.get_by_role("link", name="New appointment").click()
    first = TODAY - timedelta(days=15)
    book(page, "Tuesday DBT skills", "DBT skills group", f"{first.isoformat()}T07:00", repeat=4)
    expect(page.get_by_text("session 1 of 4")).to_be_visible()
    expect(page.locator("#appointment")).to_contain_text("DBT skills group 90 · 90 min")
    expect(page.get_by_text(re.compile(r"Weekly on \w+ at 07:00, 4 sessions"))).to_be_visible()

    # Week 1: Ava is absent, everyone else attended; updated in place.
    mark_page(page)
    for person in GROUP:
        mark(page, person, "Absent" if person == "Ava Thompson" else "Attended")
    expect_same_page(page)
    expect(page.locator("#appointment-status")).to_have_text("completed")
    expect(attendance_of(page, "Ava Thompson")).to_have_text("absent")
    expect(attendance_of(page, "George Miller")).to_have_text("attended")
    expect(page.locator("#codes")).to_contain_text("90853")
    shot(page, "51-group-week-1")

    # Week 2, from the series: Farah cancelled late.
    page.locator("#series").get_by_role("link").nth(1).click()
    expect(page.get_by_text("session 2 of 4")).to_be_visible()
    for person in GROUP:
        mark(page, person, "Late cancelled" if person == "Farah Ali" else "Attended")
    expect(attendance_of(page, "Farah Ali")).to_have_text("late cancelled")
    expect(page.locator("#appointment-status")).to_have_text("completed")

    # The group's page: the attendance grid shows both weeks.
    page.get_by_role("link", name="Tuesday DBT skills").click()
    grid = panel(page, "case-schedule").locator("table.attendance-grid")
    expect(grid).to_be_visible()
    ava = grid.get_by_role("row", name=re.compile("^Ava Thompson"))
    expect(ava.locator("td.mark-absent").first).to_be_visible()
    farah = grid.get_by_role("row", name=re.compile("^Farah Ali"))
    expect(farah.locator("td.mark-late_cancelled").first).to_be_visible()
    shot(page, "52-group-attendance-grid")


def test_family_code_follows_the_identified_client(page: Page):
    sign_in(page, LEE, PASSWORD)
    page.goto("/schedule/new")
    book(
        page,
        "Okafor family",
        "Family psychotherapy",
        f"{(TODAY - timedelta(days=2)).isoformat()}T09:00",
    )
    codes = page.locator("#codes")
    mark(page, "Ngozi Okafor", "Attended")
    expect(codes).to_contain_text("90846")
    expect(codes).to_contain_text("The identified client did not attend")
    mark(page, "Chidi Okafor", "Attended")
    expect(codes).to_contain_text("90847")
    expect(codes).not_to_contain_text("90846")
    page.get_by_role("button", name="Confirm the suggestion").click()
    expect(codes).to_contain_text(re.compile(r"Confirmed:\s*90847"))
    shot(page, "53-family-code-90847")


def test_administrator_books_in_her_clinicians_calendar(page: Page):
    sign_in(page, ADMIN, PASSWORD)
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.get_by_text(re.compile("working in Dr. Grace Lee\u2019s calendar"))).to_be_visible()
    sunday = TODAY + timedelta(days=6 - TODAY.weekday())
    page.get_by_role("link", name=f"Book {sunday:%a %d %b} at 08:00").click()
    expect(page.get_by_text(re.compile("working in Dr. Grace Lee\u2019s calendar"))).to_be_visible()
    expect(page.get_by_label("Starts")).to_have_value(f"{sunday.isoformat()}T08:00")
    book(page, "Maya & Sam", "Couple psychotherapy", f"{sunday.isoformat()}T08:00")
    expect(page.get_by_text("Booked by Morgan Diaz for Dr. Grace Lee")).to_be_visible()
    shot(page, "54-booked-by-administrator")


def test_booking_and_attendance_without_javascript(page_without_javascript: Page):
    page = page_without_javascript
    sign_in(page, LEE, PASSWORD)
    day = TODAY - timedelta(days=4)
    page.goto(f"/schedule?view=day&start={day.isoformat()}")
    page.get_by_role("link", name=f"Book {day:%a %d %b} at 08:00").click()
    choose(page, "Case", "Lucas Bennett · ")
    page.get_by_role("button", name="Choose this case").click()  # posts back the form, no booking
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lucas Bennett")
    expect(page.get_by_label("Starts")).to_have_value(f"{day.isoformat()}T08:00")
    choose(page, "Service", "Individual psychotherapy")
    page.get_by_role("button", name="Book").click()
    expect(page).to_have_url(APPOINTMENT)
    page.get_by_role("button", name="Attended: Lucas Bennett").click()
    expect(page).to_have_url(APPOINTMENT)  # posted, then sent back to the page
    expect(attendance_of(page, "Lucas Bennett")).to_have_text("attended")
    expect(page.locator("#appointment-status")).to_have_text("completed")
