"""DOMAIN.md scenarios 1, 2 and 4 done by a clinician in a real browser, on SQLite: open the
case in its kind's words, then change who is in it and who pays, in place (htmx)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, PASSWORD, shot
from tests.e2e.flows import days_ago, expect_same_page, form, mark_page, panel, row, shown, sign_in


def new_case_form(page: Page, word: str) -> None:
    page.goto("/cases")
    page.get_by_role("link", name="New case").click()
    page.get_by_role("link", name=re.compile(rf"^New {word}\b")).click()
    expect(page.get_by_role("heading", level=1, name=f"New {word}")).to_be_visible()


def test_scenario_1_the_couple_with_one_paying_partner(page: Page):
    sign_in(page, LEE, PASSWORD)
    new_case_form(page, "couple")
    page.get_by_label("Partner 1: name").fill("Maya Santos")
    page.get_by_label("Partner 1: email").fill("maya.santos@example.org")
    page.get_by_label("Partner 2: name").fill("Sam Keller")
    page.get_by_label("Partner 2: email").fill("sam.keller@example.org")
    page.get_by_label("Partner 2 pays for the couple").check()
    page.get_by_label("Status").select_option("active")
    shot(page, "10-new-couple-form")
    page.get_by_role("button", name="Open the couple").click()

    # Named after the partners; neither partner owns the case, Sam pays for all of it.
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1, name="Maya Santos & Sam Keller")).to_be_visible()
    participants = panel(page, "participants")
    expect(row(participants, "Maya Santos", "partner", shown(0))).to_be_visible()
    expect(row(participants, "Sam Keller", "partner", shown(0))).to_be_visible()
    expect(row(panel(page, "billing"), "Sam Keller", "whole case", "all")).to_be_visible()

    # Both get reminders; only Sam gets invoices. Each change updates the page in place.
    mark_page(page)
    for name, invoices in (("Maya Santos", False), ("Sam Keller", True)):
        receives = form(page, "Set what someone receives")
        receives.get_by_label("Person").select_option(label=name)
        receives.get_by_label("Appointment reminders").check()
        receives.get_by_label("Portal access").check()
        if invoices:
            receives.get_by_label("Invoices").check()
        receives.get_by_role("button", name="Save").click()
        expect(row(panel(page, "communication"), name, "email", "yes")).to_be_visible()
    expect_same_page(page)
    communication = panel(page, "communication")
    expect(row(communication, "Maya Santos", "email", "yes", "no", "no", "yes")).to_be_visible()
    expect(row(communication, "Sam Keller", "email", "yes", "yes", "no", "yes")).to_be_visible()
    expect(panel(page, "history")).to_contain_text("Sam Keller: reminders, invoices")
    shot(page, "11-couple-created")


def test_scenario_2_the_family_grows_and_a_membership_ends(page: Page):
    sign_in(page, LEE, PASSWORD)
    new_case_form(page, "family")
    page.get_by_label("Name of the family").fill("Adeyemi family")
    page.get_by_label("Opening date").fill(days_ago(100))
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Family member 1: name").fill("Funmi Adeyemi")
    page.get_by_label("Family member 1: role").select_option("parent")
    # The father, who lives elsewhere, pays and is not a participant.
    page.get_by_label("A new person who is not a family member pays").check()
    page.get_by_label("Paying person's name").fill("Tunde Adeyemi")
    page.get_by_label("Paying person's email").fill("tunde.adeyemi@example.org")
    page.get_by_role("button", name="Open the family").click()
    expect(page.get_by_role("heading", level=1, name="Adeyemi family")).to_be_visible()
    expect(row(panel(page, "billing"), "Tunde Adeyemi", "whole case")).to_be_visible()

    mark_page(page)
    # The identified client joins from the second session, the grandmother in month 3.
    for name, role, joined in (
        ("Kemi Adeyemi", "identified_client", days_ago(93)),
        ("Bisi Adeyemi", "caregiver", days_ago(30)),
    ):
        add = form(page, "Add a family member")
        add.get_by_label("New person's name").fill(name)
        add.get_by_label("Role").select_option(role)
        add.get_by_label("Joins on").fill(joined)
        add.get_by_role("button", name="Add the family member").click()
        expect(row(panel(page, "participants"), name, role.replace("_", " "))).to_be_visible()

    # A last day before she joined is refused next to the field, with nothing lost.
    end = form(page, "End membership of Bisi Adeyemi")
    end.get_by_label("Last day of Bisi Adeyemi").fill(days_ago(31))
    end.get_by_role("button", name="End membership of Bisi Adeyemi").click()
    refused = page.get_by_role("form", name="End membership of Bisi Adeyemi")
    last_day = refused.get_by_label("Last day of Bisi Adeyemi")
    expect(last_day).to_have_value(days_ago(31))
    expect(last_day).to_have_attribute("aria-invalid", "true")
    expect(last_day).to_have_accessible_description(re.compile(f"it starts on {days_ago(30)}"))
    expect(last_day).to_be_focused()  # the keyboard user lands on the field to correct
    expect(refused.get_by_role("alert")).to_have_count(0)  # not a form-level alert any more

    refused.get_by_label("Last day of Bisi Adeyemi").fill(days_ago(1))
    refused.get_by_role("button", name="End membership of Bisi Adeyemi").click()
    before = panel(page, "participants").locator("table.past")
    expect(row(before, "Bisi Adeyemi", "caregiver", shown(30), shown(1))).to_be_visible()
    now = panel(page, "participants").locator("table").first
    expect(row(now, "Funmi Adeyemi", "parent", shown(100))).to_be_visible()
    expect(row(now, "Kemi Adeyemi", "identified client", shown(93))).to_be_visible()
    expect(now).not_to_contain_text("Bisi Adeyemi")
    # (The add form offers him as a payer for a new member; the tables do not list him.)
    for table in panel(page, "participants").locator("table").all():
        expect(table).not_to_contain_text("Tunde Adeyemi")
    expect(panel(page, "history")).to_contain_text(f"Bisi Adeyemi left on {days_ago(1)}.")
    expect_same_page(page)
    shot(page, "12-family-after-changes")

    # Reloaded from the database, it is all still there.
    page.reload()
    expect(row(panel(page, "participants").locator("table.past"), "Bisi Adeyemi")).to_be_visible()


def test_scenario_4_the_group_with_churn_and_an_employer_paying(page: Page):
    sign_in(page, LEE, PASSWORD)
    new_case_form(page, "group")
    page.get_by_label("Name of the group").fill("Thursday DBT skills")
    page.get_by_label("Opening date").fill(days_ago(70))
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Capacity").fill("8")
    for n, name in enumerate(("Hana Sato", "Ivan Petrov", "Julia Costa", "Karl Berg"), start=1):
        page.get_by_label(f"Group member {n}: name").fill(name)
    # A person already in the directory, found by typing part of the name (one Dr. Lee works
    # with: the mother of her teen client; Dr. Martins's clients are not listed to her).
    page.get_by_label("Find a group member").fill("Irene")
    expect(page.locator("#participant-options")).to_contain_text("Nobody in the directory")
    page.get_by_label("Find a group member").fill("Claire")
    page.get_by_role("checkbox", name=re.compile(r"^Claire Bennett")).check()
    page.get_by_role("button", name="Open the group").click()
    expect(page.get_by_role("heading", level=1, name="Thursday DBT skills")).to_be_visible()
    expect(panel(page, "participants").locator("table").first.locator("tbody tr")).to_have_count(5)

    mark_page(page)
    # The sixth founding member, from the directory too.
    add = form(page, "Add a group member")
    add.get_by_label("Find the group member in the directory").fill("Emeka")
    add.get_by_role("radio", name=re.compile(r"^Emeka Okafor")).check()
    add.get_by_label("Joins on").fill(days_ago(70))
    add.get_by_role("button", name="Add the group member").click()
    expect(row(panel(page, "participants"), "Emeka Okafor", shown(70))).to_be_visible()

    # Two members' employer pays for them.
    for member in ("Hana Sato", "Ivan Petrov"):
        payer = form(page, "Add a payer")
        payer.get_by_label("Find the paying person or organization").fill("Northwind")
        payer.get_by_role("radio", name=re.compile(r"^Northwind Logistics EAP")).check()
        payer.get_by_label("Pays for").select_option(label=member)
        payer.get_by_label(re.compile(r"^From")).fill(days_ago(70))
        payer.get_by_role("button", name="Add the payer").click()
        expect(row(panel(page, "billing"), "Northwind Logistics EAP", member)).to_be_visible()

    # One joins four weeks in, one leaves eight weeks in.
    add = form(page, "Add a group member")
    add.get_by_label("New person's name").fill("Lena Fischer")
    add.get_by_label("Joins on").fill(days_ago(42))
    add.get_by_role("button", name="Add the group member").click()
    expect(row(panel(page, "participants"), "Lena Fischer", shown(42))).to_be_visible()
    end = form(page, "End membership of Karl Berg")
    end.get_by_label("Last day of Karl Berg").fill(days_ago(14))
    end.get_by_role("button", name="End membership of Karl Berg").click()
    expect(
        row(panel(page, "participants").locator("table.past"), "Karl Berg", shown(14))
    ).to_be_visible()
    expect_same_page(page)

    now = panel(page, "participants").locator("table").first
    expect(now.locator("tbody tr")).to_have_count(6)
    for name in ("Hana Sato", "Ivan Petrov", "Julia Costa", "Claire Bennett", "Emeka Okafor"):
        expect(row(now, name, "group member")).to_be_visible()
    # The employer for two; Kofi and Lena pay for themselves (a group member's default).
    expect(panel(page, "billing").locator("tbody tr")).to_have_count(4)
    # A group is psychotherapy: its clinical record exists (diagnoses per member).
    expect(page.get_by_role("link", name="Clinical record")).to_be_visible()
    shot(page, "13-group-after-churn")
