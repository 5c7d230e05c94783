"""Communication in a real browser, on a demo practice of its own whose mail goes over SMTP to
a real aiosmtpd server (its mailbox is what the tests read): the owner edits the reminder's
text and sees the preview follow; a client opens the confirm link of a real email and the
session shows as confirmed to staff; a staff member who forgot the password resets it from the
sign-in page through the emailed link."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, OWNER, PASSWORD, Server, _page, serve, shot
from tests.e2e.flows import sign_in
from tests.support.mail_server import MailServer, mail_server


@pytest.fixture(scope="module")
def mailbox() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture(scope="module")
def mail_practice(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, mailbox: MailServer
) -> Iterator[Server]:
    env = {
        "HEARTH_EMAIL": "smtp",
        "HEARTH_SMTP_HOST": mailbox.host,
        "HEARTH_SMTP_PORT": str(mailbox.port),
        "HEARTH_SMTP_SECURITY": "none",
        "HEARTH_EMAIL_FROM": "Hearth demo <care@hearth.example>",
        "HEARTH_WORKER": "inline",
    }
    with serve(tmp_path_factory.mktemp("mail"), "demo", env=env) as served:
        yield served


@pytest.fixture
def page(browser, mail_practice: Server) -> Iterator[Page]:
    with _page(browser, mail_practice.url) as opened:
        yield opened


def _wait_for_mail(mailbox: MailServer, matches, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in list(mailbox.received) if matches(m)]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no such mail among {len(mailbox.received)} received")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _calendar(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_content()


def test_the_owner_edits_the_reminder_text_and_sees_the_preview(page: Page) -> None:
    sign_in(page, OWNER, PASSWORD)
    page.goto("/settings/messages/")
    text = page.get_by_role("textbox", name="Reminder email: text")
    text.fill("Hello from {{ practice_name }}: we expect you on {{ date }} at {{ time }}.")
    preview = page.locator("#preview-reminder_email")
    expect(preview).to_contain_text("we expect you on Wednesday 30 September at 18:30")
    sms = page.get_by_role("textbox", name="Reminder SMS")
    sms.fill("{{ practice_name }} " + "x" * 150)
    expect(page.locator("#preview-reminder_sms")).to_contain_text("one SMS holds 160")
    sms.fill("{{ practice_name }}: see you {{ date }} at {{ time }}.")
    expect(page.locator("#preview-reminder_sms")).to_contain_text("of 160 characters")
    shot(page, "comm-templates", height=1100)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_role("textbox", name="Reminder email: text")).to_have_value(
        re.compile("we expect you")
    )


def test_a_clients_confirm_link_from_a_real_email_confirms_the_session(
    page: Page, browser, mail_practice: Server, mailbox: MailServer
) -> None:
    notice = _wait_for_mail(
        mailbox, lambda m: "?do=confirm" in _text(m) and "booked" in m["Subject"]
    )
    link = re.search(r"https?://\S+\?do=confirm", _text(notice)).group(0)
    session = re.search(r"UID:([0-9a-f-]{36})@hearth", _calendar(notice)).group(1)
    with _page(browser, mail_practice.url) as client:  # the client: not signed in
        client.goto(link)
        expect(client.get_by_role("heading", level=1)).to_contain_text("Your appointment with")
        client.get_by_role("button", name="Confirm that I will come").click()
        expect(client.get_by_role("status")).to_contain_text("your appointment is confirmed")
        shot(client, "comm-confirmed", height=500)
    sign_in(page, OWNER, PASSWORD)
    page.goto(f"/appointments/{session}")
    expect(page.locator("#appointment-confirmed")).to_have_text("Confirmed by 1 recipient")


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    page: Page, mailbox: MailServer
) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("on its way")
    mail = _wait_for_mail(
        mailbox, lambda m: str(m["To"]) == ADMIN and "/password/reset/" in _text(m)
    )
    link = re.search(r"https?://\S+/password/reset/\S+", _text(mail)).group(0)
    page.goto(link)
    new = "a-new-password-for-morgan"
    page.get_by_label("New password").fill(new)
    page.get_by_label("The same password again").fill(new)
    shot(page, "comm-reset", height=600)
    page.get_by_role("button", name="Set the password").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    sign_in(page, ADMIN, new)
