"""A case's own fields edited from a stale page (issue 14, finding 12): every edit form of the
case head carries the version it was read at; a save after someone else's change is refused
(409) with the saved value next to what was typed, and the form then carries the saved version,
so that saving again overwrites knowingly. Never a silent overwrite."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import World


def _version(html: str, form: str) -> str:
    """The hidden version of the case-head form `form` (its data-form name)."""
    found = re.search(
        rf'data-form="{form}"[^>]*>.*?name="version" value="(\d+)"', html, flags=re.DOTALL
    )
    assert found is not None, form
    return found.group(1)


def test_a_rename_from_a_stale_page_is_refused_and_shows_both_names(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    lee, pat = signed_in("lee"), signed_in("lee")  # two tabs, or two people at once
    read = _version(lee.get(url).text, "rename")
    assert _version(pat.get(url).text, "rename") == read
    first = pat.post(url + "/name", {"name": "Rivera and Chen", "version": read}, htmx=True)
    assert first.status_code == 200 and "<h1>Rivera and Chen</h1>" in first.text
    stale = lee.post(url + "/name", {"name": "Maya and Sam R.", "version": read}, htmx=True)
    assert stale.status_code == 409
    assert "Someone else changed this case while you were editing" in stale.text
    assert "<td>Rivera and Chen</td>" in stale.text  # what is saved now
    assert "<td>Maya and Sam R.</td>" in stale.text  # what Lee typed, in the table...
    assert 'value="Maya and Sam R."' in stale.text  # ...and still in the form
    assert "<h1>Rivera and Chen</h1>" in lee.get(url).text  # not overwritten
    saved_now = _version(stale.text, "rename")
    assert int(saved_now) > int(read)
    again = lee.post(url + "/name", {"name": "Maya and Sam R.", "version": saved_now})
    assert again.status_code == 303  # a deliberate second save
    assert "<h1>Maya and Sam R.</h1>" in lee.get(url).text


def test_a_rename_from_a_page_older_than_any_other_change_of_the_case_is_refused(
    signed_in, world: World
):
    """The version is the case's: a page read before a member or a status changed is stale."""
    url = f"/cases/{world.cases['couple']}"
    lee = signed_in("lee")
    page = lee.get(url).text
    read = _version(page, "rename")
    changed = lee.post(
        url + "/status", {"status": "active", "version": _version(page, "status")}, htmx=True
    )
    assert changed.status_code == 200
    stale = lee.post(url + "/name", {"name": "Renamed late", "version": read}, htmx=True)
    assert stale.status_code == 409 and "Someone else changed this case" in stale.text
    assert "Renamed late" not in lee.get(url).text.split("<h1>")[1].split("</h1>")[0]


@pytest.mark.parametrize(
    ("form", "path", "typed", "shown"),
    [
        ("status", "/status", {"status": "on_hold"}, "on hold"),
        ("capacity", "/capacity", {"capacity": "7"}, "7"),
    ],
)
def test_status_and_capacity_from_a_stale_page_are_refused(
    signed_in, world: World, form, path, typed, shown
):
    case = "consultation" if form == "capacity" else "couple"
    url = f"/cases/{world.cases[case]}"
    lee = signed_in("lee")
    page = lee.get(url).text
    read = _version(page, form)
    renamed = lee.post(url + "/name", {"name": "Changed meanwhile", "version": read})
    assert renamed.status_code == 303
    stale = lee.post(url + path, {**typed, "version": read}, htmx=True)
    assert stale.status_code == 409, stale.text[:300]
    assert "Someone else changed this case while you were editing" in stale.text
    assert f"<td>{shown}</td>" in stale.text
    assert _version(stale.text, form) == str(int(read) + 1)
