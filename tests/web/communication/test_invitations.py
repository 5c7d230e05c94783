"""Staff accounts by invitation: nobody sets another person's password, so the owner (who does
not read clinical records unless HEARTH_OWNER_SEES_CLINICAL says so) cannot make an account she
can sign in as; a clinical duty she gives is in the audit log and on the case's history."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from tests.web.communication.mails import invitation_link, pending_mails
from tests.web.conftest import PASSWORD, Browser, World

CHOSEN = "the owner's own choice"
NIA = {
    "name": "Nia New",
    "email": "nia@hearth.test",
    "roles": "clinician",
    "licensure": "licensed",
}


def _invite(owner: Browser, **more: str) -> str:
    added = owner.post("/staff/new", {**NIA, **more})
    assert added.status_code == 303, added.text
    found = re.search(r"/staff/([0-9a-f-]{36})", added.headers["location"])
    assert found is not None
    return found.group(1)


def _audit(container) -> list:
    async def run() -> list:
        return [entry.record async for entry in container.audit_log().walk()]

    return asyncio.run(run())


def test_the_owner_cannot_walk_around_the_clinical_setting(
    signed_in, world: World, container, browser
) -> None:
    """Before: she added a clinician with a password she chose, made it co-therapist, signed in
    as it and read the clinical record. Now no screen takes another person's password."""
    owner = signed_in("owner")
    couple = f"/cases/{world.cases['couple']}"
    assert owner.get(couple + "/clinical").status_code == 403
    nia = _invite(owner, password=CHOSEN, password_again=CHOSEN)  # a password field is ignored
    assigned = owner.post(couple + "/staff", {"duty": "co_therapist", "staff_id": nia})
    assert assigned.status_code in (200, 303)
    assert browser.sign_in("nia@hearth.test", CHOSEN).status_code == 422
    # Nor can she set a password afterwards, on the staff page or the own-password form.
    owner.post(f"/staff/{nia}", {**NIA, "active": "on", "version": "0", "password": CHOSEN})
    assert (
        owner.post(
            f"/staff/{nia}/password",
            {"current_password": "", "password": CHOSEN, "password_again": CHOSEN},
        ).status_code
        == 403
    )
    kim = world.staff["kim"].id
    owner.post(
        f"/staff/{kim}",
        {
            **NIA,
            "name": "Dr. Kim",
            "email": world.email("kim"),
            "active": "on",
            "version": "0",
            "password": CHOSEN,
        },
    )
    assert browser.sign_in("nia@hearth.test", CHOSEN).status_code == 422
    assert browser.sign_in(world.email("kim"), CHOSEN).status_code == 422
    assert 'name="password"' not in owner.get(f"/staff/{kim}").text
    # The duty she gave is in the audit log under her name, and on the case's history,
    # which the case's clinician reads.
    given = [e for e in _audit(container) if e.object_type == "staff_assignment"]
    assert [(e.actor_id, e.action.value) for e in given] == [(world.staff["owner"].id, "create")]
    history = signed_in("lee").get(couple + "/history").text
    assert re.search(r"Dr\. Ana Owner</strong>[^<]*: Nia New is co-therapist", history)
    # Only the invitation's link, mailed to Nia, sets her password.
    link = invitation_link(container, "nia@hearth.test")
    assert browser.post(link, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 303
    assert browser.sign_in("nia@hearth.test").status_code == 303


def test_resend_revoke_and_an_expired_invitation(signed_in, world: World, container, browser):
    owner = signed_in("owner")
    nia = _invite(owner)
    first = invitation_link(container, "nia@hearth.test")
    page = owner.get(f"/staff/{nia}")
    assert "Resend the invitation" in page.text and "Revoke the invitation" in page.text
    container.clock().advance(timedelta(minutes=1))
    assert owner.post(f"/staff/{nia}/invitation").status_code == 303
    second = invitation_link(container, "nia@hearth.test")
    assert second != first
    assert browser.get(first).status_code == 410  # only the newest works
    gone = browser.get(second.replace("/invitation/", "/invitation/x"))
    assert gone.status_code == 410 and "Ask the practice owner" in gone.text
    container.clock().advance(timedelta(days=7, minutes=1))
    expired = browser.get(second)
    assert expired.status_code == 410 and "invitations last 7 days" in expired.text
    refused = browser.post(second, {"password": PASSWORD, "password_again": PASSWORD})
    assert refused.status_code == 422 and "not valid any more" in refused.text
    # Revoked: the link stops working and the account is deactivated.
    owner = signed_in("owner")
    assert owner.post(f"/staff/{nia}/invitation").status_code == 303
    container.clock().advance(timedelta(minutes=1))
    third = invitation_link(container, "nia@hearth.test")
    assert owner.post(f"/staff/{nia}/invitation/revoke").status_code == 303
    assert browser.get(third).status_code == 410
    assert "<dt>Active</dt><dd>no</dd>" in owner.get(f"/staff/{nia}").text
    again = owner.post(f"/staff/{nia}/invitation")
    assert again.status_code == 422 and "reactivate it first" in again.text


def test_the_owner_sends_a_reset_link_and_only_she_may(signed_in, world: World, container):
    owner, lee = signed_in("owner"), signed_in("lee")
    kim = world.staff["kim"].id
    assert "Email a password reset link" in owner.get(f"/staff/{kim}").text
    assert lee.post(f"/staff/{kim}/reset-link").status_code == 403
    assert lee.post(f"/staff/{kim}/invitation").status_code == 403
    assert lee.post("/staff/new", NIA).status_code == 403
    assert pending_mails(container) == []
    sent = owner.post(f"/staff/{kim}/reset-link")
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=reset")
    (mail,) = pending_mails(container)
    assert mail.to == world.email("kim") and "/password/reset/" in mail.body
    # Kim has a password: there is no invitation to resend.
    resend = owner.post(f"/staff/{kim}/invitation")
    assert resend.status_code == 422 and "send a reset link instead" in resend.text


def test_the_owner_cannot_redirect_an_accounts_email_to_reset_it(
    signed_in, world: World, container
) -> None:
    """Before: changing Dr. Lee's email to her own mailbox, then "send a reset link", would
    have let the owner set his password. An account in use keeps its address unless its
    owner changes it, proving their password."""
    owner, lee = signed_in("owner"), signed_in("lee")
    lee_id = world.staff["lee"].id
    form = {
        "name": "Dr. Lee",
        "email": "ana.private@hearth.test",
        "roles": ["clinician", "supervisor"],
        "licensure": "licensed",
        "active": "on",
        "version": "0",
    }
    moved = owner.post(f"/staff/{lee_id}", form)
    assert moved.status_code == 422 and "only they can change it" in moved.text
    assert owner.post(f"/staff/{lee_id}", {**form, "email": world.email("lee")}).status_code == 303
    # A pending invitation's address may still be corrected (and the invitation resent).
    nia = _invite(owner)
    fixed = {**NIA, "email": "nia.fixed@hearth.test", "active": "on", "version": "0"}
    assert owner.post(f"/staff/{nia}", fixed).status_code == 303
    # Dr. Lee changes his own, with his password.
    page = f"/staff/{lee_id}/email"
    assert owner.post(page, {"email": "x@hearth.test", "email_password": ""}).status_code == 403
    wrong = lee.post(page, {"email": "lee.new@hearth.test", "email_password": "wrong"})
    assert wrong.status_code == 422 and "do not match" in wrong.text
    done = lee.post(page, {"email": "lee.new@hearth.test", "email_password": PASSWORD})
    assert done.status_code == 303
    assert "lee.new@hearth.test" in lee.get(f"/staff/{lee_id}").text


def test_an_invitation_mailed_to_a_mistyped_address_stops_working_when_it_is_corrected(
    signed_in, container, browser
):
    """The owner mistyped the address: the link went to a stranger's mailbox. Correcting the
    address must end that link (a new one goes out with "Resend"), or the stranger could
    still set the password of a clinician account."""
    owner = signed_in("owner")
    nia = _invite(owner, email="nia@hearth.tset")
    stray = invitation_link(container, "nia@hearth.tset")
    page = owner.get(f"/staff/{nia}").text
    version = re.search(r'<input type="hidden" name="version" value="(\d+)">', page).group(1)
    corrected = owner.post(f"/staff/{nia}", {**NIA, "active": "on", "version": version})
    assert corrected.status_code == 303, corrected.text
    assert browser.get(stray).status_code == 410
    taken = browser.post(stray, {"password": PASSWORD, "password_again": PASSWORD})
    assert taken.status_code == 422 and "not valid any more" in taken.text
