"""The booking and coding panel's forms from a stale page (issue 14, finding 12): each carries
the case's version and the choice it was read at; a save after someone else changed that
choice is refused in place (422, htmx) with both choices shown, never applied over theirs."""

from __future__ import annotations

import re

from tests.web.scheduling.test_case_defaults import services  # noqa: F401
from tests.web.scheduling.test_schedule import services as two_services  # noqa: F401


def _read(html: str, action: str) -> dict[str, str]:
    found = re.search(
        rf'action="[^"]*/defaults/{action}".*?name="version" value="(\d+)">\s*'
        r'<input type="hidden" name="was" value="([^"]*)">',
        html,
        flags=re.DOTALL,
    )
    assert found is not None, action
    return {"version": found.group(1), "was": found.group(2)}


def test_a_usual_service_from_a_stale_panel_is_refused_and_shows_both(
    signed_in,
    world,
    services,  # noqa: F811
):
    couple = world.cases["couple"]
    panel = f"/cases/{couple}/defaults"
    lee, other_tab = signed_in("lee"), signed_in("lee")
    read = _read(lee.get(panel, htmx=True).text, "usual-service")
    url = panel + "/usual-service"
    theirs = other_tab.post(url, {"service_id": services["Family 50"], **read}, htmx=True)
    assert theirs.status_code == 200
    mine = next(k for k in services if k != "Family 50")
    stale = lee.post(url, {"service_id": services[mine], **read}, htmx=True)
    assert stale.status_code == 422
    assert "Someone else changed this case while you were editing" in stale.text
    assert "<td>Family 50 · 50 min" in stale.text and f"<td>{mine} · " in stale.text
    assert "Family 50" in lee.get(panel).text.split("Usual service</dt>")[1][:200]  # kept
    again = lee.post(url, {"service_id": services[mine], **_read(stale.text, "usual-service")})
    assert again.status_code == 303  # saving again is a deliberate overwrite


def test_an_identified_client_from_a_stale_panel_is_refused(signed_in, world, services):  # noqa: F811
    couple = world.cases["couple"]
    panel = f"/cases/{couple}/defaults"
    lee, other_tab = signed_in("lee"), signed_in("lee")
    read = _read(lee.get(panel, htmx=True).text, "identified-client")
    url = panel + "/identified-client"
    maya, sam = str(world.people["maya"]), str(world.people["sam"])
    assert other_tab.post(url, {"identified_client_id": maya, **read}).status_code == 303
    stale = lee.post(url, {"identified_client_id": sam, **read}, htmx=True)
    assert stale.status_code == 422
    assert "Someone else changed this case while you were editing" in stale.text
    # Another change of the case (a rename) does not make the panel's form stale.
    fresh = _read(lee.get(panel, htmx=True).text, "identified-client")
    case_page = lee.get(f"/cases/{couple}").text
    rename = re.search(
        r'data-form="rename".*?value="(\d+)">\s*<input[^>]*value="([^"]*)"',
        case_page,
        flags=re.DOTALL,
    )
    assert rename is not None
    lee.post(
        f"/cases/{couple}/name",
        {"name": "Renamed", "version": rename.group(1), "was": "Maya & Sam"},
    )
    assert lee.post(url, {"identified_client_id": sam, **fresh}).status_code == 303
