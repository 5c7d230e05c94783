"""The settings forms not yet proven against a stale page (issue 14, finding 12): the opening
hours and the telehealth link, each saved from two tabs. The second save is refused (422, the
screens' status for a stale form) with both versions shown, and the form then carries the saved
version."""

from __future__ import annotations

from tests.web.settings.test_settings_pages import _version

DAYS = (
    {f"open_{i}": "on" for i in range(5)}
    | {f"opens_{i}": "09:00" for i in range(5)}
    | {f"closes_{i}": "17:00" for i in range(5)}
)


def test_opening_hours_from_a_stale_page_are_refused(signed_in):
    owner, other_tab = signed_in("owner"), signed_in("owner")
    read = _version(owner.get("/settings/hours").text, "/settings/hours")
    theirs = {**DAYS, "closes_0": "18:00", "version": read}
    assert other_tab.post("/settings/hours", theirs).status_code == 303
    stale = owner.post("/settings/hours", {**DAYS, "closes_0": "16:00", "version": read})
    assert stale.status_code == 422
    assert "Someone else changed these settings" in stale.text
    assert "18:00" in stale.text and "16:00" in stale.text
    assert 'name="closes_0" value="18:00"' in other_tab.get("/settings/hours").text
    assert _version(stale.text, "/settings/hours") != read


def test_a_telehealth_link_from_a_stale_page_is_refused(signed_in):
    owner, other_tab = signed_in("owner"), signed_in("owner")
    read = _version(owner.get("/settings/locations").text, "/settings/telehealth")
    theirs = {"telehealth_link": "https://meet.example.com/theirs", "version": read}
    assert other_tab.post("/settings/telehealth", theirs).status_code == 303
    mine = {"telehealth_link": "https://meet.example.com/mine", "version": read}
    stale = owner.post("/settings/telehealth", mine)
    assert stale.status_code == 422
    assert "Someone else changed these settings" in stale.text
    assert "https://meet.example.com/theirs" in stale.text
    assert "https://meet.example.com/theirs" in other_tab.get("/settings/locations").text
