"""Notes in a real browser on the demo practice: Dr. Lee writes a DBT group note from the
appointment page (the shared part and a private section per attendee, saved as she types),
signs it and sees the lock; the associate's note waits in her "Needs attention", she returns it,
Riley amends and signs again, she co-signs; Morgan (administrator) opens the appointment and
sees "note signed", never the text. Screenshots: test-artifacts/notes-*.png (the README's copies
are docs/screenshots/notes-*.png)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, LEE, PASSWORD, shot
from tests.e2e.flows import sign_in, sign_out

RILEY = LEE.replace("lee@", "riley@")
SHARED = "Skills: distress tolerance.\nTIPP practised; <b>not bold</b>."


def _write_group_note(page: Page) -> str:
    page.goto("/attention")
    unsigned = page.locator("#notes-unsigned")
    unsigned.get_by_role("link", name="Tuesday DBT skills").last.click()
    expect(page).to_have_url(re.compile(r"/appointments/"))
    appointment_url = page.url
    line = page.locator("section#note-line")
    expect(line.get_by_role("button", name="Write the note")).to_be_visible()
    line.get_by_label("Template").select_option(label="Free text")
    line.get_by_role("button", name="Write the note").click()
    expect(page).to_have_url(re.compile(r"/notes/"))
    page.get_by_label("Note", exact=True).fill(SHARED)
    privates = page.locator(".private textarea")
    assert privates.count() >= 4
    for i in range(privates.count()):
        privates.nth(i).fill(f"Private observation {i + 1}.")
    privates.last.blur()  # leaving a field saves it
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    shot(page, "notes-editor", height=1100)
    page.get_by_role("button", name="Sign the note").click()
    expect(page.locator("#note-lock")).to_contain_text("signed, read-only")
    expect(page.get_by_text("content matches the signature").first).to_be_visible()
    expect(page.locator(".note-text").first).to_have_text(SHARED)  # escaped, lines kept
    assert page.locator(".note-text b").count() == 0
    shot(page, "notes-group-signed", height=1100)
    return appointment_url


def test_group_note_review_and_what_the_administrator_sees(page: Page):
    sign_in(page, LEE, PASSWORD)
    appointment_url = _write_group_note(page)

    # Dr. Lee's "Needs attention": the associate's Haddad note awaits her; she returns it.
    page.goto("/attention")
    expect(page.locator("#attention-count")).to_be_visible()
    awaiting = page.locator("#notes-awaiting")
    expect(awaiting).to_contain_text("Haddad family")
    shot(page, "notes-attention", height=900)
    awaiting.get_by_role("link", name="Haddad family").first.click()
    page.get_by_label("Comment for the author").fill("Add the risk assessment.")
    page.get_by_role("button", name="Return with comment").click()
    expect(page.locator("#note-status")).to_have_text("returned")
    note_url = page.url
    sign_out(page)

    # Riley adds an addendum and signs again.
    sign_in(page, RILEY, PASSWORD)
    page.goto(note_url)
    expect(page.locator("#return-comment")).to_contain_text("Add the risk assessment.")
    page.get_by_label("Addendum (dated, shown under the note)").fill("Risk assessed: low.")
    page.get_by_role("button", name="Add addendum").click()
    page.get_by_role("button", name="Sign again for co-signature").click()
    expect(page.locator("#note-status")).to_have_text("awaiting cosignature")
    sign_out(page)

    # Dr. Lee co-signs.
    sign_in(page, LEE, PASSWORD)
    page.goto(note_url)
    page.get_by_role("button", name="Co-sign").click()
    expect(page.locator("#note-status")).to_have_text("cosigned")
    expect(page.locator('[data-signature="Co-signed"]')).to_contain_text("content matches")
    shot(page, "notes-cosigned", height=1000)
    sign_out(page)

    # Morgan, the administrator, sees that the group note is signed and nothing of it.
    sign_in(page, ADMIN, PASSWORD)
    page.goto(appointment_url)
    line = page.locator("section#note-line")
    expect(line).to_contain_text("Note signed")
    body = page.content()
    assert "distress tolerance" not in body and "Private observation" not in body
    assert line.get_by_role("link", name=re.compile("note", re.I)).count() == 0
    shot(page, "notes-administrator", height=700)
