"""The calendar as a time grid, in a real browser on the demo practice: a 90-minute session booked
from a free slot spans an hour and a half of the grid, and the week, the practice day and the
compact practice week fit a 768 px tablet without scrolling sideways (Sunday included).

Bookings here are six weeks ahead, where the demo has nothing."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, OWNER, PASSWORD, shot
from tests.e2e.flows import TODAY, sign_in
from tests.e2e.test_scheduling import APPOINTMENT, choose

MONDAY = TODAY - timedelta(days=TODAY.weekday()) + timedelta(weeks=6)
WEDNESDAY = MONDAY + timedelta(days=2)


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not laid out"
    return box


def test_a_90_minute_session_booked_from_a_free_slot_spans_an_hour_and_a_half(page: Page):
    sign_in(page, LEE, PASSWORD)
    page.goto(f"/schedule?view=week&start={MONDAY.isoformat()}")
    # Booking from the grid: the free hour's link opens the form with its time.
    page.get_by_role("link", name=f"Book {WEDNESDAY:%a %d %b} at 10:00").click()
    expect(page.get_by_label("Starts")).to_have_value(f"{WEDNESDAY.isoformat()}T10:00")
    choose(page, "Case", "Tuesday DBT skills · ")
    expect(page.get_by_label("Service")).to_be_visible()
    choose(page, "Service", "DBT skills group")
    page.get_by_role("button", name="Book").click()
    expect(page).to_have_url(APPOINTMENT)
    appointment = page.url.rsplit("/", 1)[1]

    page.goto(f"/schedule?view=week&start={MONDAY.isoformat()}")
    session = f"li:has(> a[href='/appointments/{appointment}'])"
    expect(page.locator(session)).to_contain_text("10:00\u201311:30")
    hour = _box(page, ".tg-scale li")  # one hour of the scale
    box = _box(page, session)
    assert abs(box["height"] - 1.5 * hour["height"]) <= 2, (box, hour)
    # Placed at its start: two hours below the top of the 08:00 row.
    eight = _box(page, ".tg-scale li:first-child")
    assert page.locator(".tg-scale li").first.inner_text() == "08:00"
    assert abs(box["y"] - (eight["y"] + 2 * hour["height"])) <= 2, (box, eight)
    # The same session in the day view: the same length.
    page.goto(f"/schedule?view=day&start={WEDNESDAY.isoformat()}")
    day_box = _box(page, session)
    assert abs(day_box["height"] - 1.5 * _box(page, ".tg-scale li")["height"]) <= 2
    shot(page, "55-calendar-day-90-minutes")


def _fits(page: Page) -> None:
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url} scrolls sideways: {wide}"


def test_the_week_fits_a_768_pixel_tablet_with_every_session_in_time_order(page: Page):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, LEE, PASSWORD)
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.locator(".tg-col")).to_have_count(7)
    _fits(page)
    sunday = page.locator(".tg-col").nth(6)
    expect(sunday.get_by_role("heading")).to_contain_text("Sun")
    box = sunday.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 768
    # Each day is a list of links in time order: what the keyboard and a screen reader meet.
    days = page.evaluate(
        "[...document.querySelectorAll('.tg-col')].map(c => "
        "[...c.querySelectorAll('a.appt time')].map(t => t.textContent))"
    )
    assert any(days) and all(d == sorted(d) for d in days), days
    shot(page, "56-calendar-week-768")


def test_the_practice_week_and_day_fit_a_768_pixel_tablet(page: Page):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, OWNER, PASSWORD)
    page.goto("/schedule?who=all")  # the whole practice: the compact week
    week = page.locator("table.cal-week")
    expect(week).to_be_visible()
    expect(week.locator("tbody tr", has_text="Dr. Grace Lee")).to_have_count(1)
    _fits(page)
    shot(page, "57-practice-week-768")
    week.locator("thead th a").first.click()  # Monday of the practice, a column per clinician
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monday")
    expect(page.locator(".tg-col h2", has_text="Dr. Grace Lee")).to_be_visible()
    _fits(page)
    shot(page, "58-practice-day-768")


def test_the_practice_views_have_no_serious_accessibility_violation(page: Page):
    from tests.e2e.test_accessibility import _problems

    sign_in(page, OWNER, PASSWORD)
    problems: list[str] = []
    for path in (
        "/schedule?who=all",
        f"/schedule?view=day&start={TODAY.isoformat()}&who=all",
        f"/schedule?view=week&start={MONDAY.isoformat()}",
    ):
        page.goto(path)
        problems += _problems(page)
    assert not problems, "\n".join(problems)
