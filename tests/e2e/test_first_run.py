"""The first run of a new practice on SQLite: the owner is created on the one-time setup page,
or with `hearth create-owner`, and can sign in."""

from __future__ import annotations

import re
import subprocess

from playwright.sync_api import Page, expect

from tests.e2e.conftest import HEARTH, Server, shot
from tests.e2e.flows import sign_in, sign_out

OWNER_PASSWORD = "a-long-owner-password"


def test_a_new_practice_is_set_up_on_the_setup_page(empty_page: Page):
    page = empty_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", level=1, name="Set up the practice")).to_be_visible()

    # A refused attempt says why next to the field and keeps what was typed.
    page.get_by_label("Your name").fill("Dr. Rosa Quinn")
    page.get_by_label("Email").fill("rosa@practice.example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("The same password again").fill("short")
    page.get_by_role("button", name="Create the owner and sign in").click()
    expect(page.get_by_text("A password has at least 10 characters.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Dr. Rosa Quinn")

    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label("The same password again").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create the owner and sign in").click()
    expect(page).to_have_url(re.compile(r"/cases$"))
    expect(page.get_by_role("banner")).to_contain_text("Dr. Rosa Quinn")
    # An empty practice invites its first case rather than saying no case matches.
    expect(page.get_by_role("heading", name="No case yet")).to_be_visible()
    expect(page.get_by_text("No case matches")).to_have_count(0)
    expect(page.get_by_role("link", name="Open the first case")).to_have_attribute(
        "href", "/cases/new"
    )
    shot(page, "02-first-run-empty-case-list")

    # Once the practice has its owner, the setup page is gone for good.
    sign_out(page)
    page.goto("/setup")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    sign_in(page, "rosa@practice.example", OWNER_PASSWORD)
    expect(page).to_have_url(re.compile(r"/cases$"))


def test_the_owner_can_be_created_on_the_command_line(empty_page: Page, empty_server: Server):
    created = subprocess.run(
        [
            str(HEARTH),
            "create-owner",
            "--name",
            "Dr. Rosa Quinn",
            "--email",
            "rosa@x.example",
            "--password-stdin",
        ],
        input=f"{OWNER_PASSWORD}\n",
        env=empty_server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    sign_in(empty_page, "rosa@x.example", OWNER_PASSWORD)
    expect(empty_page.get_by_role("banner")).to_contain_text("Dr. Rosa Quinn")
