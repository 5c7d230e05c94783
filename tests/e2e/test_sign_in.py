"""Signing in and out in a real browser, with the demo practice's printed sign-ins."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LEE, PASSWORD, Server, shot
from tests.e2e.flows import sign_in


def test_the_sign_in_page_is_served_with_its_security_headers(page: Page, server: Server):
    response = page.goto("/cases")
    # Not signed in: the browser lands on the sign-in page, the page asked for kept as "next".
    expect(page).to_have_url(re.compile(r"/sign-in"))
    assert response is not None
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[-1].split(";", 1)[0]
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy")
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    shot(page, "01-sign-in")


def test_a_wrong_password_is_refused_next_to_the_field(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Email").fill(LEE)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    # What was typed is kept, except the password.
    expect(page.get_by_label("Email")).to_have_value(LEE)
    expect(page.get_by_label("Password")).to_have_value("")


def test_dr_lee_signs_in_sees_her_cases_and_signs_out(page: Page):
    sign_in(page, LEE, PASSWORD)
    expect(page).to_have_url(re.compile(r"/cases"))
    for name in ("Maya & Sam", "Okafor family", "Lucas Bennett", "Tuesday DBT skills"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    # Dr. Martins's own client is not on Dr. Lee's list.
    expect(page.get_by_role("link", name="Jordan Blake", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/sign-in"))
