"""Changing an organization's details from its page: saved, refused next to the field, a stale
version answered 409 with what was typed kept, and nobody but signed-in staff gets through."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

import bootstrap
from adapters.system.passwords import Argon2PasswordHasher
from core.domain.cases.access import PortalActor
from core.domain.shared.errors import Forbidden
from core.services import directory
from tests.support.db import sqlite_copy
from tests.web.conftest import PASSWORD, Browser, World

FIELDS = {
    "name": "Riverside Health",
    "contact_person": "Dana Ortiz",
    "email": "billing@riverside.example",
    "phone": "+1 555 0100",
    "address": "1 River Road",
}


def _hidden_version(html: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="([^"]*)">', html)
    assert found is not None
    return found.group(1)


def test_the_page_offers_the_edit_form_and_saves_a_change(signed_in, world: World):
    url = f"/organizations/{world.organizations['clinic']}"
    pat = signed_in("pat")  # the administrator handling billing of the case the clinic pays for
    page = pat.get(url)
    assert "<summary>Edit details</summary>" in page.text
    assert f'action="{url}"' in page.text and 'name="_csrf_token"' in page.text
    assert 'value="Riverside Clinic"' in page.text and _hidden_version(page.text) == "0"
    saved = pat.post(url, {**FIELDS, "version": "0"})
    assert saved.status_code == 303 and saved.headers["location"] == url
    after = pat.get(url).text
    assert "<h1>Riverside Health</h1>" in after
    for shown in ("Dana Ortiz", "billing@riverside.example", "+15550100", "1 River Road"):
        assert shown in after
    assert _hidden_version(after) == "1"
    # Emptying the optional details is a change too.
    cleared = pat.post(url, {"name": "Riverside Health", "version": "1"})
    assert cleared.status_code == 303
    assert "billing@riverside.example" not in pat.get(url).text


def test_staff_without_its_billing_neither_see_the_form_nor_change_it(signed_in, world: World):
    url = f"/organizations/{world.organizations['clinic']}"
    kim = signed_in("kim")  # works on none of the cases the clinic pays for
    page = kim.get(url)
    assert page.status_code == 200 and "Riverside Clinic" in page.text
    assert "Edit details" not in page.text
    refused = kim.post(url, {**FIELDS, "version": "0"})
    assert refused.status_code == 403
    assert "Riverside Health" not in signed_in("owner").get(url).text


def test_a_stale_version_is_409_and_keeps_what_was_typed(signed_in, world: World):
    url = f"/organizations/{world.organizations['clinic']}"
    lee, pat = signed_in("lee"), signed_in("pat")
    assert pat.post(url, {"name": "Riverside by Pat", "version": "0"}).status_code == 303
    stale = lee.post(url, {**FIELDS, "name": "Riverside by Lee", "version": "0"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text and 'role="alert"' in stale.text
    assert "<h1>Riverside by Pat</h1>" in stale.text  # the saved details, shown above
    assert 'value="Riverside by Lee"' in stale.text  # what Lee typed, not lost
    assert "<details open>" in stale.text
    assert _hidden_version(stale.text) == "1"  # saving again is a deliberate overwrite
    again = lee.post(url, {**FIELDS, "name": "Riverside by Lee", "version": "1"})
    assert again.status_code == 303
    assert "<h1>Riverside by Lee</h1>" in lee.get(url).text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "name"),
        ("name", "N" * 300, "at most 200"),
        ("email", "not-an-email", "email"),
    ],
)
def test_bad_details_are_refused_next_to_their_field(
    signed_in, world: World, field, value, message
):
    url = f"/organizations/{world.organizations['clinic']}"
    lee = signed_in("lee")
    refused = lee.post(url, {**FIELDS, field: value, "version": "0"})
    assert refused.status_code == 422
    assert f'id="{field}-error"' in refused.text and message in refused.text.lower()
    assert f'aria-describedby="{field}-error"' in refused.text
    assert 'value="Dana Ortiz"' in refused.text  # the other fields are kept
    assert _hidden_version(refused.text) == "0"
    assert "<h1>Riverside Clinic</h1>" in lee.get(url).text  # nothing was saved


def test_hostile_input_is_kept_as_text(signed_in, world: World):
    url = f"/organizations/{world.organizations['clinic']}"
    lee = signed_in("lee")
    script = '<script>alert("x")</script>'
    saved = lee.post(url, {"name": script, "address": script, "version": "0"})
    assert saved.status_code == 303
    page = lee.get(url).text
    assert script not in page and "&lt;script&gt;" in page
    # A forged version is a message on top of the form, never a 500.
    forged = lee.post(url, {"name": "Riverside", "version": '"><b>x'})
    assert forged.status_code == 422 and 'class="form-error"' in forged.text
    assert '"><b>x' not in forged.text and _hidden_version(forged.text) == "1"
    assert lee.post(url, {"name": "Riverside", "version": "-1"}).status_code == 422


def test_only_signed_in_staff_change_an_organization(signed_in, browser, world: World, container):
    clinic = world.organizations["clinic"]
    url = f"/organizations/{clinic}"
    # Signed out: sent to sign in, nothing changed.
    assert browser.post(url, {"name": "Hijacked", "version": "0"}).status_code in (302, 303)
    lee = signed_in("lee")
    # Without the form's CSRF token: refused.
    assert lee.post(url, {"name": "Hijacked", "version": "0"}, csrf=False).status_code == 403
    assert "Hijacked" not in lee.get(url).text
    # An unknown organization is 404, not a new one.
    missing = "/organizations/00000000-0000-4000-8000-000000000000"
    assert lee.post(missing, {"name": "Ghost", "version": "0"}).status_code == 404
    # The rule the page relies on lives in the core: someone who is not staff (a portal user)
    # is refused there.
    portal = PortalActor(world.people["maya"])
    change = directory.UpdateOrganization(organization_id=clinic, name="Hijacked", version=0)
    with pytest.raises(Forbidden):
        asyncio.run(directory.update_organization(container.deps(), portal, change))
    assert "Hijacked" not in lee.get(url).text


def test_a_stale_version_is_409_on_a_real_database(tmp_path: Path, sqlite_template_path: Path):
    """The SQL repository's version check, not only the in-memory one, answers the stale save."""
    url = sqlite_copy(sqlite_template_path, tmp_path)  # a migrated database
    container = bootstrap.make_container(bootstrap.Settings(database_url=url))
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))

    async def owner() -> None:
        await directory.create_first_owner(
            container.deps(), container.password_hasher(), "Ana", "ana@x.org", PASSWORD
        )
        await container.engine().dispose()

    asyncio.run(owner())
    with TestClient(bootstrap.create_app(container)) as client:
        ana = Browser(client)
        assert ana.sign_in("ana@x.org").status_code == 303
        made = ana.post("/organizations/new", {"name": "Acme EAP"})
        assert made.status_code == 303
        page = made.headers["location"]
        assert ana.post(page, {"name": "Acme EAP (first)", "version": "0"}).status_code == 303
        stale = ana.post(page, {"name": "Acme EAP (second)", "version": "0"})
        assert stale.status_code == 409 and "changed by someone else" in stale.text
        assert 'value="Acme EAP (second)"' in stale.text
        assert "<h1>Acme EAP (first)</h1>" in ana.get(page).text
