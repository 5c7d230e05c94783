"""A refusal or a missing record keeps a signed-in person inside the practice: the normal
layout with its navigation, a calm message and a way back; the security headers stay."""

from __future__ import annotations

from adapters.web.security import SECURITY_HEADERS
from tests.web.conftest import World

NAV = '<nav aria-label="Main">'


def test_a_case_one_may_not_see_is_a_404_inside_the_layout(signed_in, world: World):
    kim = signed_in("kim")
    couple = f"/cases/{world.cases['couple']}"
    refused = kim.client.get(couple, headers={"referer": "http://testserver.local/cases?q=maya"})
    assert refused.status_code == 404
    assert NAV in refused.text and "Dr. Kim" in refused.text  # who is signed in, as elsewhere
    assert "<h1" in refused.text and "Not found" in refused.text
    assert 'href="/cases?q=maya">Back to the previous page</a>' in refused.text
    assert ">Your cases</a>" in refused.text
    for name, value in SECURITY_HEADERS.items():
        assert refused.headers[name] == value


def test_a_refused_clinical_record_is_a_403_inside_the_layout(signed_in, world: World):
    refused = signed_in("pat").get(f"/cases/{world.cases['couple']}/clinical")
    assert refused.status_code == 403
    assert NAV in refused.text and "Not allowed" in refused.text
    assert "Back to the previous page" not in refused.text  # no referer, no such link


def test_a_way_back_only_to_this_site(signed_in, world: World):
    kim = signed_in("kim")
    couple = f"/cases/{world.cases['couple']}"
    for referer in ("https://evil.example/cases", f"http://testserver.local{couple}"):
        refused = kim.client.get(couple, headers={"referer": referer})
        assert refused.status_code == 404
        assert "Back to the previous page" not in refused.text, referer


def test_htmx_refusals_stay_a_small_message(signed_in, world: World):
    refused = signed_in("kim").get(f"/cases/{world.cases['couple']}", htmx=True)
    assert refused.status_code == 404
    assert NAV not in refused.text and 'class="error-box"' in refused.text


def test_signed_out_error_pages_have_no_navigation(browser):
    missing = browser.get("/nowhere")
    assert missing.status_code == 404
    assert NAV not in missing.text and "Back to the cases" in missing.text


def test_a_malformed_referer_is_no_way_back_not_a_500(signed_in, world: World):
    kim = signed_in("kim")
    couple = f"/cases/{world.cases['couple']}"
    for referer in ("http://[::1", "http://testserver.local:99999999/x", "http://[zz]/"):
        refused = kim.client.get(couple, headers={"referer": referer})
        assert refused.status_code == 404, referer
        assert "Back to the previous page" not in refused.text, referer
