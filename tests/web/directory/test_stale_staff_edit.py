"""A staff member's details saved from a stale page (issue 14, finding 12): refused (409) with
the saved details next to what was typed, never a silent overwrite; the form then carries the
saved version, so that saving again is a deliberate overwrite."""

from __future__ import annotations

import re

from tests.web.conftest import World


def _form(world: World, **more: str) -> dict[str, str]:
    return {
        "name": "Dr. Lee",
        "email": world.email("lee"),
        "roles": ["clinician", "supervisor"],  # type: ignore[dict-item]
        "licensure": "licensed",
        "active": "on",
        **more,
    }


def _version(html: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)">', html)
    assert found is not None
    return found.group(1)


def test_a_staff_rename_from_a_stale_page_is_refused_and_shows_what_changed(
    signed_in, world: World
):
    url = f"/staff/{world.staff['lee'].id}"
    owner, other_tab = signed_in("owner"), signed_in("owner")
    read = _version(owner.get(url).text)
    first = other_tab.post(url, _form(world, name="Dr. Jordan Lee", version=read))
    assert first.status_code == 303
    stale = owner.post(url, _form(world, name="Dr. J. Lee", version=read))
    assert stale.status_code == 409
    assert "Someone else changed this staff member while you were editing" in stale.text
    assert "<td>Dr. Jordan Lee</td>" in stale.text and "<td>Dr. J. Lee</td>" in stale.text
    assert 'value="Dr. J. Lee"' in stale.text  # what was typed stays in the form
    assert "<h1>Dr. Jordan Lee</h1>" in owner.get(url).text  # not overwritten
    saved_now = _version(stale.text)
    assert int(saved_now) == int(read) + 1
    again = owner.post(url, _form(world, name="Dr. J. Lee", version=saved_now))
    assert again.status_code == 303
    assert "<h1>Dr. J. Lee</h1>" in owner.get(url).text


def test_a_stale_staff_page_names_the_changed_roles_and_supervisor(signed_in, world: World):
    url = f"/staff/{world.staff['ash'].id}"
    owner = signed_in("owner")
    page = owner.get(url).text
    read = _version(page)
    ash = {
        "name": "Ash Associate",
        "email": world.email("ash"),
        "roles": ["clinician"],
        "licensure": "associate",
        "supervisor_id": str(world.staff["lee"].id),
        "active": "on",
    }
    moved = owner.post(url, {**ash, "licensure": "licensed", "supervisor_id": "", "version": read})
    assert moved.status_code == 303, moved.text[:500]
    stale = owner.post(url, {**ash, "roles": ["clinician", "administrator"], "version": read})
    assert stale.status_code == 409
    row = r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>'
    rows = re.findall(row, stale.text)
    assert ("Default supervisor", "—", "Dr. Lee") in rows
    assert ("Licensure", "licensed", "associate") in rows
    assert ("Roles", "clinician", "administrator, clinician") in rows
