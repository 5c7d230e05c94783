"""People, organizations and staff screens."""

from __future__ import annotations

import re

from tests.web.communication.mails import invitation_link, pending_mails
from tests.web.conftest import PASSWORD, World


def test_people_directory_search_page_and_fragment(signed_in, world: World):
    lee, pat = signed_in("lee"), signed_in("pat")
    # Before anyone types: the first page by name of the people one works with (Dr. Lee
    # supervises the family's associate; Pat supports Dr. Lee only, not the associate).
    names = re.compile(r'<a href="/people/[0-9a-f-]{36}">([^<]+)</a>')
    listed = lee.get("/people")
    assert listed.status_code == 200 and "Everyone you work with, by name" in listed.text
    assert names.findall(listed.text) == ["Ada Okafor", "Maya Rivera", "Sam Chen", "Tomi Okafor"]
    assert names.findall(pat.get("/people").text) == ["Maya Rivera", "Sam Chen"]
    assert "Everyone in the directory, by name" in signed_in("owner").get("/people").text
    found = lee.get("/people?q=okafor")
    assert "Ada Okafor" in found.text and "Tomi Okafor" in found.text
    assert "Okafor" not in pat.get("/people?q=okafor").text
    fragment = pat.get("/people?q=maya", htmx=True)
    assert "<html" not in fragment.text and "Maya Rivera" in fragment.text
    assert "Nobody matches" in pat.get("/people?q=zzzz", htmx=True).text


def test_register_and_edit_a_person(signed_in, world: World):
    pat = signed_in("pat")
    assert pat.get("/people/new").status_code == 200
    bad = pat.post("/people/new", {"legal_name": "Jo Bloggs", "email": "not-an-email"})
    assert bad.status_code == 422 and 'id="email-error"' in bad.text
    assert 'value="Jo Bloggs"' in bad.text  # what was typed is kept
    made = pat.post(
        "/people/new",
        {
            "legal_name": "Jo Bloggs",
            "preferred_name": "Jo",
            "email": "jo@example.org",
            "date_of_birth": "1990-04-01",
            "preferred_channel": "email",
        },
    )
    assert made.status_code == 303
    page = pat.get(made.headers["location"])
    assert "<h1>Jo</h1>" in page.text and "Jo Bloggs" in page.text
    future = pat.post(
        made.headers["location"],
        {"legal_name": "Jo Bloggs", "date_of_birth": "2999-01-01", "version": "0"},
    )
    assert future.status_code == 422 and "in the future" in future.text
    edited = pat.post(
        made.headers["location"],
        {"legal_name": "Jo Bloggs", "preferred_name": "Joanna", "version": "0"},
    )
    assert edited.status_code == 303
    assert "<h1>Joanna</h1>" in pat.get(made.headers["location"]).text
    stale = pat.post(
        made.headers["location"],
        {"legal_name": "Jo Bloggs", "preferred_name": "Stale", "version": "0"},
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    assert "The details above are the saved ones." in stale.text


def test_person_options_for_each_form(signed_in, world: World):
    lee = signed_in("lee")
    participant = lee.get("/people/options?for=participant&kind=family&q=okafor")
    assert participant.text.count('name="existing"') == 2
    assert 'name="role_' in participant.text and "identified client" in participant.text
    member = lee.get("/people/options?for=member&q=maya")
    assert 'name="person_id"' in member.text
    payer = lee.get("/people/options?for=payer&q=riverside")
    assert f'value="organization:{world.organizations["clinic"]}"' in payer.text
    assert lee.get("/people/options?for=helper&q=").text.strip() == ""


def test_organizations(signed_in, world: World):
    lee = signed_in("lee")
    assert "Riverside Clinic" in lee.get("/organizations?q=river").text
    listed = lee.get("/organizations")  # listed before anyone types
    assert "Every organization, by name" in listed.text and "Riverside Clinic" in listed.text
    assert "Riverside Clinic" in lee.get("/organizations?q=river", htmx=True).text
    assert lee.get("/organizations/new").status_code == 200
    made = lee.post("/organizations/new", {"name": "Acme EAP", "email": "eap@acme.example"})
    assert made.status_code == 303
    page = lee.get(made.headers["location"])
    assert "<h1>Acme EAP</h1>" in page.text and "No case you can see." in page.text
    assert lee.post("/organizations/new", {"name": ""}).status_code == 422


def test_owner_invites_an_associate_who_sets_her_password_and_signs_in(
    signed_in, world: World, app, container
):
    owner = signed_in("owner")
    listing = owner.get("/staff")
    assert "Invite a staff member" in listing.text
    assert 'name="password"' not in listing.text  # nobody chooses another person's password
    lee = str(world.staff["lee"].id)
    val = {
        "name": "Val New",
        "email": "val@hearth.test",
        "roles": "clinician",
        "licensure": "associate",
    }
    no_supervisor = owner.post("/staff/new", val)
    assert no_supervisor.status_code == 422
    assert 'id="supervisor_id-error">An associate needs a default supervisor.' in no_supervisor.text
    assert pending_mails(container) == []  # a refused addition mails nothing
    added = owner.post("/staff/new", {**val, "supervisor_id": lee})
    assert added.status_code == 303 and added.headers["location"].endswith("?sent=invitation")
    assert "Val New" in owner.get("/staff").text
    val_id = re.search(r'href="/staff/([0-9a-f-]{36})">Val New', owner.get("/staff").text)
    assert val_id is not None
    page = owner.get(f"/staff/{val_id.group(1)}")
    assert "Dr. Lee" in page.text and "associate" in page.text
    assert "invited: has not set a password yet" in page.text

    from tests.web.conftest import Browser

    val_browser = Browser(owner.client.__class__(app))
    val_browser.client.blocking_portal = owner.client.blocking_portal
    assert val_browser.sign_in("val@hearth.test").status_code == 422  # no password yet
    link = invitation_link(container, "val@hearth.test")
    assert val_browser.get(link).status_code == 200
    accepted = val_browser.post(link, {"password": PASSWORD, "password_again": PASSWORD})
    assert accepted.status_code == 303
    assert val_browser.sign_in("val@hearth.test").status_code == 303
    assert "My caseload" in val_browser.get("/cases").text
    # The owner cannot remove their own owner role.
    me = owner.post(
        f"/staff/{world.staff['owner'].id}",
        {
            "name": "Dr. Ana Owner",
            "email": "owner@hearth.test",
            "roles": "clinician",
            "licensure": "licensed",
            "active": "on",
            "version": "0",
        },
    )
    assert me.status_code == 422 and "your own owner role" in me.text


def test_administrator_support_is_set_by_the_owner(signed_in, world: World):
    owner = signed_in("owner")
    pat = world.staff["pat"]
    kim = str(world.staff["kim"].id)
    not_admin = owner.post(
        f"/staff/{world.staff['kim'].id}",
        {
            "name": "Dr. Kim",
            "email": world.email("kim"),
            "roles": "clinician",
            "licensure": "licensed",
            "supports": str(world.staff["lee"].id),
            "active": "on",
            "version": "0",
        },
    )
    assert not_admin.status_code == 422 and "Only administrators support" in not_admin.text
    changed = owner.post(
        f"/staff/{pat.id}",
        {
            "name": "Pat Admin",
            "email": world.email("pat"),
            "roles": "administrator",
            "licensure": "licensed",
            "supports": [str(world.staff["lee"].id), kim],
            "active": "on",
            "version": "0",
        },
    )
    assert changed.status_code == 303
    assert "Dr. Kim" in owner.get(f"/staff/{pat.id}").text


def test_staff_change_their_own_password_after_proving_the_current_one(signed_in, world: World):
    kim = signed_in("kim")
    me = f"/staff/{world.staff['kim'].id}"
    page = kim.get(me)
    assert "Change my password" in page.text
    new = "another long password"
    wrong = kim.post(
        me + "/password",
        {"current_password": "guess guess", "password": new, "password_again": new},
    )
    assert wrong.status_code == 422 and 'id="own-current_password-error"' in wrong.text
    differ = kim.post(
        me + "/password",
        {"current_password": PASSWORD, "password": new, "password_again": new + "!"},
    )
    assert differ.status_code == 422 and "The two passwords differ." in differ.text
    changed = kim.post(
        me + "/password",
        {"current_password": PASSWORD, "password": new, "password_again": new},
    )
    assert changed.status_code == 303
    assert "Your password was changed." in kim.get(changed.headers["location"]).text
    assert kim.sign_in(world.email("kim"), new).status_code == 303
    # Nobody changes someone else's password this way, not even the owner.
    other = signed_in("owner").post(
        me + "/password",
        {"current_password": PASSWORD, "password": new, "password_again": new},
    )
    assert other.status_code == 403
    assert "Change my password" not in signed_in("lee").get(me).text
