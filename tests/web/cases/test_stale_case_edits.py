"""A case's own fields edited from a stale page (issue 14, finding 12): every edit form of the
case head carries the version and the value it was read at; a save after someone else changed
that value is refused (409; 422 for htmx, which swaps it into place) with the saved value next
to what was typed, and the form then carries what is saved now, so that saving again
overwrites knowingly. Never a silent overwrite; and a change of something else (a booking, a
member, the status) does not block a rename."""

from __future__ import annotations

import re

import pytest

from tests.web.cases.row_forms import item_id, row_form
from tests.web.conftest import World


def _read(html: str, form: str) -> dict[str, str]:
    """The hidden version and value of the case-head form `form` (its data-form name)."""
    found = re.search(
        rf'data-form="{form}"[^>]*>.*?name="version" value="(\d+)">\s*'
        r'<input type="hidden" name="was" value="([^"]*)">',
        html,
        flags=re.DOTALL,
    )
    assert found is not None, form
    return {"version": found.group(1), "was": found.group(2)}


def _name(html: str) -> str:
    return html.split("<h1>")[1].split("</h1>")[0]


def test_a_rename_from_a_stale_page_is_refused_and_shows_both_names(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    lee, other_tab = signed_in("lee"), signed_in("lee")  # two tabs, or two people at once
    read = _read(lee.get(url).text, "rename")
    assert read["was"] == "Maya &amp; Sam"
    first = other_tab.post(url + "/name", {"name": "Rivera and Chen", **read}, htmx=True)
    assert first.status_code == 200 and _name(first.text) == "Rivera and Chen"
    read["was"] = "Maya & Sam"  # as the browser sends it back
    stale = lee.post(url + "/name", {"name": "Maya and Sam R.", **read})
    assert stale.status_code == 409  # a plain post; htmx gets 422, swapped in place
    assert "Someone else changed this case while you were editing" in stale.text
    assert "<td>Rivera and Chen</td>" in stale.text  # what is saved now
    assert "<td>Maya and Sam R.</td>" in stale.text  # what Lee typed, in the table...
    assert 'value="Maya and Sam R."' in stale.text  # ...and still in the form
    assert _name(lee.get(url).text) == "Rivera and Chen"  # not overwritten
    now = _read(stale.text, "rename")
    assert int(now["version"]) > int(read["version"]) and now["was"] == "Rivera and Chen"
    again = lee.post(url + "/name", {"name": "Maya and Sam R.", **now})
    assert again.status_code == 303  # a deliberate second save
    assert _name(lee.get(url).text) == "Maya and Sam R."


def test_a_change_of_something_else_does_not_make_a_rename_stale(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    lee = signed_in("lee")
    page = lee.get(url).text
    status = lee.post(url + "/status", {"status": "active", **_read(page, "status")}, htmx=True)
    assert status.status_code == 200  # a new version of the case, the name untouched
    read = _read(page, "rename")
    read["was"] = "Maya & Sam"
    renamed = lee.post(url + "/name", {"name": "Renamed later", **read}, htmx=True)
    assert renamed.status_code == 200 and _name(renamed.text) == "Renamed later"


def test_a_form_without_what_it_read_is_checked_by_the_version_alone(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    lee = signed_in("lee")
    version = _read(lee.get(url).text, "rename")["version"]
    lee.post(url + "/status", {"status": "active"})
    stale = lee.post(url + "/name", {"name": "Renamed late", "version": version})
    assert stale.status_code == 409 and "Renamed late" not in _name(lee.get(url).text)


@pytest.mark.parametrize(
    ("form", "path", "theirs", "yours", "shown"),
    [
        ("status", "/status", {"status": "active"}, {"status": "on_hold"}, ("active", "on hold")),
        ("capacity", "/capacity", {"capacity": "12"}, {"capacity": "7"}, ("12", "7")),
    ],
)
def test_status_and_capacity_from_a_stale_page_are_refused(
    signed_in, world: World, form, path, theirs, yours, shown
):
    case = "consultation" if form == "capacity" else "couple"
    url = f"/cases/{world.cases[case]}"
    lee, other_tab = signed_in("lee"), signed_in("lee")
    read = _read(lee.get(url).text, form)
    assert other_tab.post(url + path, {**theirs, **read}).status_code == 303
    stale = lee.post(url + path, {**yours, **read}, htmx=True)
    assert stale.status_code == 422, stale.text[:300]  # htmx swaps it into the panels
    assert "<main" not in stale.text
    assert "Someone else changed this case while you were editing" in stale.text
    assert f"<td>{shown[0]}</td><td>{shown[1]}</td>" in stale.text
    assert _read(stale.text, form)["version"] == str(int(read["version"]) + 1)


def test_a_last_day_corrected_from_a_stale_page_is_refused(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    lee, other_tab = signed_in("lee"), signed_in("lee")
    page = lee.get(url).text
    membership = item_id(page, "End membership of Sam Chen")
    ended = lee.post(f"{url}/members/{membership}/end", {"left_on": "2026-01-06"})
    assert ended.status_code == 303
    path = f"{url}/members/{membership}/end-date"
    form = row_form(lee, lee.get(url).text, "Correct the last day of Sam Chen")
    assert f'action="{path}"' in form
    found = re.search(r'name="version" value="(\d+)">\s*<input[^>]*value="([^"]*)"', form)
    assert found is not None and found.group(2) == "2026-01-06"
    read = {"version": found.group(1), "was": found.group(2)}
    assert other_tab.post(path, {"left_on": "2026-01-07", **read}).status_code == 303
    stale = lee.post(path, {"left_on": "2026-01-05", **read}, htmx=True)
    assert stale.status_code == 422, stale.text[:400]
    assert "Someone else changed this case while you were editing" in stale.text
    assert "<td>2026-01-07</td><td>2026-01-05</td>" in stale.text
