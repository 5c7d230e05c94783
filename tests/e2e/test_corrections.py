"""Member defaults and corrections in a real browser, on a group of the test's own (the demo's
cases stay as other tests expect them): a member added with their payer and reminders in one
form; a session's attendance recorded from the keyboard alone ("Mark everyone attended", then
the exception); ending a membership before that attendance is refused and nothing disappears,
then confirmed and marked; a wrong payer marked "entered in error" frees the share."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, PASSWORD
from tests.e2e.flows import TODAY, days_ago, form, panel, row, sign_in
from tests.e2e.test_case_flows import new_case_form
from tests.e2e.test_scheduling import attendance_of, book


def _press_until_focused(page: Page, target, key: str = "Tab", limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} cannot be reached with {key}")


def _open_group(page: Page, name: str, *members: str) -> None:
    new_case_form(page, "group")
    page.get_by_label("Name of the group").fill(name)
    page.get_by_label("Opening date").fill(days_ago(30))
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Capacity").fill("8")
    for n, member in enumerate(members, start=1):
        page.get_by_label(f"Group member {n}: name").fill(member)
        page.get_by_label(f"Group member {n}: email").fill(f"{member.split()[0].lower()}@ex.org")
    page.get_by_role("button", name="Open the group").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_member_defaults_attendance_by_keyboard_and_ending_before_it(page: Page):
    sign_in(page, LEE, PASSWORD)
    _open_group(page, "Corrections process group", "Mira Okoro", "Nico Brandt")

    # One form: the member, who pays for them, and reminders (on by default).
    add = form(page, "Add a group member")
    add.get_by_label("New person's name").fill("Olga Stein")
    add.get_by_label("New person's email").fill("olga.stein@ex.org")
    add.get_by_label("Joins on").fill(days_ago(30))
    expect(add.get_by_label("They pay for themselves")).to_be_checked()
    expect(add.get_by_label("Appointment reminders, on their preferred channel")).to_be_checked()
    add.get_by_label("Someone new pays for them").check()
    add.get_by_label("Name of who pays").fill("Stein Logistics")
    with page.expect_response(lambda r: r.url.endswith("/members") and r.request.method == "POST"):
        add.get_by_role("button", name="Add the group member").click()
    page.reload()  # the whole page as it is now, whatever the answer re-rendered in place
    expect(row(panel(page, "billing"), "Stein Logistics", "Olga Stein", "all")).to_be_visible()
    expect(row(panel(page, "communication"), "Olga Stein", "email", "yes")).to_be_visible()

    # A session a week ago, attendance from the keyboard only.
    page.goto("/schedule/new")
    held = TODAY - timedelta(days=7)
    book(page, "Corrections process group", "DBT skills group", f"{held.isoformat()}T07:00")
    everyone = page.get_by_role("button", name="Mark everyone attended")
    _press_until_focused(page, everyone)
    page.keyboard.press("Enter")
    expect(attendance_of(page, "Nico Brandt")).to_have_text("attended")
    expect(page.get_by_role("button", name="Mark everyone attended")).to_have_count(0)
    absent = page.get_by_role("button", name="Absent: Mira Okoro")
    _press_until_focused(page, absent)
    page.keyboard.press("Enter")
    expect(attendance_of(page, "Mira Okoro")).to_have_text("absent")
    expect(attendance_of(page, "Olga Stein")).to_have_text("attended")

    # Ending Nico's membership before that session is refused, naming it; nothing disappears.
    page.get_by_role("link", name="Corrections process group").click()
    grid = panel(page, "case-schedule").locator("table.attendance-grid")
    nico = grid.get_by_role("row", name=re.compile("^Nico Brandt"))
    expect(nico.locator("td").last).to_have_text("1")
    end = form(page, "End membership of Nico Brandt")
    end.get_by_label("Last day of Nico Brandt").fill(days_ago(10))
    end.get_by_role("button", name="End membership of Nico Brandt").click()
    refused = page.get_by_role("form", name="End membership of Nico Brandt")
    expect(refused).to_contain_text(f"{held.day:02d} {held:%b %Y} 07:00")
    expect(row(panel(page, "participants"), "Nico Brandt", "group member")).to_be_visible()
    nico = panel(page, "case-schedule").get_by_role("row", name=re.compile("^Nico Brandt"))
    expect(nico.locator("td").last).to_have_text("1")

    # Confirmed: the membership ends, the attendance stays, marked "after leaving".
    refused.get_by_label(re.compile("^End it anyway")).check()
    refused.get_by_role("button", name="End membership of Nico Brandt").click()
    expect(row(panel(page, "participants").locator("table.past"), "Nico Brandt")).to_be_visible()
    nico = (
        panel(page, "case-schedule")
        .locator("table.attendance-grid")
        .get_by_role("row", name=re.compile("^Nico Brandt"))
    )
    expect(nico.locator("td.after-leaving")).to_have_count(1)
    expect(nico.locator("td").last).to_have_text("1")


def test_a_wrong_payer_entered_in_error_frees_the_share_for_the_right_one(page: Page):
    sign_in(page, LEE, PASSWORD)
    # Names of its own: the demo practice is shared with the other browser tests.
    _open_group(page, "Corrections payer group", "Rosa Lindqvist", "Timo Berg")

    def add_payer(find: str, choice: str) -> None:
        payer = form(page, "Add a payer")
        payer.get_by_label("Find the paying person or organization").fill(find)
        payer.get_by_role("radio", name=re.compile(rf"^{choice}")).check()
        payer.get_by_label("Pays for").select_option(label="Rosa Lindqvist")
        payer.get_by_role("button", name="Add the payer").click()

    add_payer("Northwind", "Northwind Logistics EAP")  # the wrong one
    expect(row(panel(page, "billing"), "Northwind Logistics EAP", "Rosa Lindqvist")).to_be_visible()
    add_payer("Lindqvist", "Rosa Lindqvist")
    refused = page.get_by_role("form", name="Add a payer")
    expect(refused).to_contain_text("shares would add up to 200%")

    wrong = form(page, "Mark the payment by Northwind Logistics EAP as entered in error")
    wrong.get_by_label("Why is the payment by Northwind Logistics EAP wrong?").fill(
        "Rosa's employer does not pay for her"
    )
    wrong.get_by_role("button", name=re.compile("^Mark the payment")).click()
    expect(panel(page, "billing")).not_to_contain_text("Northwind Logistics EAP")
    add_payer("Lindqvist", "Rosa Lindqvist")
    expect(row(panel(page, "billing"), "Rosa Lindqvist", "Rosa Lindqvist", "all")).to_be_visible()
    history = panel(page, "history")
    expect(history).to_contain_text("was entered in error: Rosa's employer does not pay for her")
    expect(history).to_contain_text("Dr. Grace Lee")
