"""Booking defaults and confirmations in a real browser on the demo practice (issue 10): the
booking form opened from a free slot of the calendar preselects the right service for each of
the seven kinds of case; a participant's other session is shown before Book and booking anyway
is a deliberate tick; cancelling asks once."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, OWNER, PASSWORD, shot
from tests.e2e.flows import TODAY, sign_in, sign_out

APPOINTMENT = re.compile(r"/appointments/[0-9a-f-]{36}$")
SOFIA = "sofia@" + LEE.split("@")[1]

# The service each kind's booking form preselects in the demo practice, by the kind's label in
# the case list ("Maya & Sam · couple"): never the first of the list (Consultation group 90 /
# Couple psychotherapy 50), never one of another kind of work.
RIGHT_SERVICE = {
    "client": "Individual psychotherapy 53",
    "couple": "Couple psychotherapy 50",
    "family": "Family psychotherapy 50",
    "group": "DBT skills group 90",
    "consultation client": "Consultation group 90",  # the practice's one consultation service
    "consultation group": "Consultation group 90",
    "workshop": "Parenting workshop 120",
}
PSYCHOTHERAPY = {"Individual", "Couple", "Family", "DBT"}


def settled(page: Page) -> None:
    """Wait until htmx has answered, swapped and settled (it then listens to the new form's
    fields): a step taken earlier lands on the form being replaced."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    page.wait_for_timeout(100)  # htmx processes the swapped-in content on the next tick


def from_a_free_slot(page: Page) -> None:
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.locator('a[href^="/schedule/new?start="]').first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("New appointment"))).to_be_visible()


def check_each_case(page: Page, seen: set[str]) -> None:
    """Choose every case of the list in turn; the form follows (htmx) with its service."""
    cases = page.get_by_label("Case")
    labels = [t.strip() for t in cases.locator("option").all_inner_texts()][1:]
    for label in labels:
        kind = label.rsplit(" · ", 1)[1]
        # As a person would: the form follows the choice before the next one is made (a choice
        # made while the last answer is on its way would be swapped out by that answer).
        cases.select_option(label=label)
        settled(page)
        expect(page.get_by_label("Case").locator("option:checked")).to_have_text(label)
        service = page.get_by_label("Service")
        expect(service.locator("option:checked")).to_have_text(
            re.compile("^" + re.escape(RIGHT_SERVICE[kind]))
        )
        offered = service.locator("option").all_inner_texts()
        if kind.startswith("consultation") or kind == "workshop":
            assert not any(o.split()[0] in PSYCHOTHERAPY for o in offered), (label, offered)
        else:
            assert not any(o.startswith(("Consultation", "Parenting")) for o in offered), offered
        seen.add(kind)


def test_booking_from_the_calendar_preselects_each_kinds_service(page: Page):
    seen: set[str] = set()
    sign_in(page, LEE, PASSWORD)  # the couple, the families, the teen, the group
    from_a_free_slot(page)
    check_each_case(page, seen)
    shot(page, "60-booking-preselected-service")
    sign_out(page)
    sign_in(page, SOFIA, PASSWORD)  # the workshop and Sam's own case
    from_a_free_slot(page)
    check_each_case(page, seen)
    sign_out(page)
    # The owner opens an individual consultation: its usual service is set at opening.
    sign_in(page, OWNER, PASSWORD)
    page.goto("/cases/new/consultation")
    page.get_by_label("Consultee 1: name").fill("Petra Novak")
    page.get_by_role("button", name=re.compile("^Open the")).click()
    expect(page.locator("#case-defaults")).to_contain_text("Consultation group 90")
    from_a_free_slot(page)
    check_each_case(page, seen)
    assert seen == set(RIGHT_SERVICE), seen


def test_an_overlap_shows_before_book_and_booking_anyway_is_a_tick(page: Page):
    # Sam's couple session is on Wednesdays at 17:00 (adapters/cli/demo/schedule.py): book
    # Sam's own case then, next week.
    wednesday = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=9)
    sign_in(page, SOFIA, PASSWORD)
    page.goto("/schedule/new")
    page.get_by_label("Case").select_option(label="Sam Chen · client")
    expect(page.get_by_label("Service")).to_be_visible()
    settled(page)
    starts = page.get_by_label("Starts")
    with page.expect_response(lambda r: "/schedule/new/check" in r.url):
        starts.fill(f"{wednesday.isoformat()}T17:00")
        starts.press("Tab")  # leaving the field: its change is checked
    warning = page.locator("#booking-check")
    expect(warning).to_contain_text("Sam Chen has another appointment")
    expect(page).not_to_have_url(APPOINTMENT)  # nothing booked yet
    page.wait_for_load_state("networkidle")  # the last check has answered
    shot(page, "61-booking-overlap-before-book")
    # (Book without the tick is refused: tests/web/scheduling/test_booking_checks.py.)
    page.get_by_label("Book anyway: this is arranged").check()
    page.get_by_role("button", name="Book").click()
    expect(page).to_have_url(APPOINTMENT)
    expect(page.locator(".warnings")).to_contain_text("Sam Chen has another appointment")
    shot(page, "62-booked-after-a-deliberate-tick")
