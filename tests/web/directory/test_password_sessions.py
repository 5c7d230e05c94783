"""A new password ends the sessions signed in with the old one; whoever changes their own
password stays signed in; the owner sets nobody's password, and deactivating ends sessions."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, World

NEW = "a brand new password"


def _lee_form(world: World, **more: str) -> dict[str, str]:
    return {
        "name": "Dr. Lee",
        "email": world.email("lee"),
        "roles": ["clinician", "supervisor"],  # type: ignore[dict-item]
        "licensure": "licensed",
        "active": "on",
        "version": "0",
        **more,
    }


def test_the_owner_sets_no_password_but_deactivating_signs_the_account_out(signed_in, world: World):
    """A lost laptop: the owner cannot choose a password for Dr. Lee (nobody sets another
    person's), but deactivating the account ends its sessions at once."""
    lee = signed_in("lee")
    assert lee.get("/cases").status_code == 200
    owner = signed_in("owner")
    lee_page = f"/staff/{world.staff['lee'].id}"
    ignored = owner.post(lee_page, _lee_form(world, password=NEW))
    assert ignored.status_code == 303, ignored.text
    assert lee.get("/cases").status_code == 200  # nothing about the password changed
    off = _lee_form(world, version="1")
    del off["active"]
    assert owner.post(lee_page, off).status_code == 303
    gone = lee.get("/cases")
    assert gone.status_code in (302, 303) and "/sign-in" in gone.headers["location"]
    assert owner.get("/cases").status_code == 200  # the owner's own session goes on
    assert lee.sign_in(world.email("lee"), NEW).status_code == 422
    assert lee.sign_in(world.email("lee"), PASSWORD).status_code == 422  # deactivated


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(signed_in, world: World):
    laptop, phone = signed_in("kim"), signed_in("kim")
    me = f"/staff/{world.staff['kim'].id}"
    changed = laptop.post(
        me + "/password", {"current_password": PASSWORD, "password": NEW, "password_again": NEW}
    )
    assert changed.status_code == 303
    assert laptop.get("/cases").status_code == 200
    assert phone.get("/cases").status_code in (302, 303)


def test_the_owner_cannot_deactivate_themselves(signed_in, world: World):
    owner = signed_in("owner")
    form = {
        "name": "Dr. Ana Owner",
        "email": "owner@hearth.test",
        "roles": ["owner", "clinician", "supervisor"],
        "licensure": "licensed",
        "version": "0",
    }  # no "active": the box unticked
    refused = owner.post(f"/staff/{world.staff['owner'].id}", form)
    assert refused.status_code == 422 and "cannot deactivate yourself" in refused.text
    assert owner.get("/cases").status_code == 200
