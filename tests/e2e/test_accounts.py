"""Accounts in a real browser, with real mail: the owner invites a clinician; the invitation
reaches a real SMTP server (aiosmtpd); the clinician sets her own password from the mailed
link, sets up two-step sign-in from the QR code's key, signs in with a code, and a recovery
code works once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OWNER, PASSWORD, Server, _page, serve, shot
from tests.e2e.flows import sign_in
from tests.support.mail_server import MailServer, mail_server

NEW = "nia.new@hearth.test"
NIA_PASSWORD = "nia's own long password"
MAIL_TIMEOUT = 30  # seconds for the inline worker to hand the invitation to SMTP


@pytest.fixture
def mailbox() -> Iterator[MailServer]:
    with mail_server() as box:
        yield box


@pytest.fixture
def mail_server_practice(
    chromium_path: Path, tmp_path: Path, mailbox: MailServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Server]:
    for name, value in {
        "HEARTH_EMAIL": "smtp",
        "HEARTH_SMTP_HOST": mailbox.host,
        "HEARTH_SMTP_PORT": str(mailbox.port),
        "HEARTH_SMTP_SECURITY": "none",
        "HEARTH_WORKER": "inline",
        "HEARTH_WORKER_RETRY_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    with serve(tmp_path, "demo") as served:
        yield served


def _mailed_link(mailbox: MailServer, to: str) -> str:
    deadline = time.monotonic() + MAIL_TIMEOUT
    while time.monotonic() < deadline:
        for message in mailbox.received:
            if message["To"] and to in message["To"]:
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                found = re.search(r"https?://\S+(/invitation/\S+)", body.get_content())
                assert found is not None
                return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no invitation reached the mailbox within {MAIL_TIMEOUT}s")


def _next_step_code(secret: str) -> str:
    """A code of a time step after the enrolment's (each step's code passes once)."""
    time.sleep(30 - time.time() % 30 + 0.5)
    return pyotp.TOTP(secret).now()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def _password_step(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(NEW)
    page.get_by_label("Password").fill(NIA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/code"))


def test_an_invited_clinician_sets_her_password_enrols_and_signs_in_with_codes(
    browser, mail_server_practice: Server, mailbox: MailServer
):
    with _page(browser, mail_server_practice.url) as owner:
        sign_in(owner, OWNER, PASSWORD)
        owner.goto("/staff")
        owner.get_by_text("Invite a staff member").click()
        owner.get_by_label("Name").fill("Nia New")
        owner.get_by_label("Email (to sign in)").fill(NEW)
        owner.get_by_role("button", name="Invite the staff member").click()
        expect(owner.get_by_text("The invitation is on its way")).to_be_visible()
        expect(owner.get_by_text("invited: has not set a password yet")).to_be_visible()
        shot(owner, "accounts-invited", height=700)

    link = _mailed_link(mailbox, NEW)
    with _page(browser, mail_server_practice.url) as page:
        page.goto(link)
        page.get_by_label("Password (10 characters or more)").fill(NIA_PASSWORD)
        page.get_by_label("The same password again").fill(NIA_PASSWORD)
        shot(page, "accounts-set-password", height=600)
        page.get_by_role("button", name="Set my password").click()
        expect(page.get_by_text("Your password is set.")).to_be_visible()
        # The link worked once.
        page.goto(link)
        expect(page.get_by_text("This invitation is not valid any more")).to_be_visible()
        sign_in(page, NEW, NIA_PASSWORD)
        expect(page).to_have_url(re.compile(r"/cases"))

        page.goto("/account/second-factor")
        expect(page.locator("figure.qr svg")).to_be_visible()
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        shot(page, "accounts-enrol", height=860)
        page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        shot(page, "accounts-recovery-codes", height=700)
        page.get_by_role("link", name="I have saved them: continue").click()
        _sign_out(page)

        _password_step(page)
        shot(page, "accounts-code", height=500)
        page.get_by_label("Code").fill(_next_step_code(secret))
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/cases"))
        _sign_out(page)

        _password_step(page)
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/cases"))
        _sign_out(page)

        _password_step(page)
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("That code does not work.")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/sign-in/code"))
