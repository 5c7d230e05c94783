""" "Change the team" on the case page is fetched when opened, as a row's action is: the page
carries its fold and address, not its choice of every staff member (20 of the case page's
54 KB at 230 staff); refused, it is in the page again with what was typed."""

from __future__ import annotations

import re

from tests.web.cases.row_forms import fold_address, row_form
from tests.web.conftest import World


def test_the_page_carries_the_fold_and_the_form_comes_when_opened(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    page = lee.get(url).text
    assert fold_address(page, "Change the team") == f"{url}/staff"
    assert 'name="staff_id"' not in page and 'data-form="assign"' not in page
    form = row_form(lee, page, "Change the team")
    assert form.lstrip().startswith("<form") and "<details" not in form  # the form alone
    assert 'aria-label="Change the team"' in form and 'data-form="assign"' in form
    assert f'hx-post="{url}/staff"' in form and 'name="_csrf_token"' in form
    for key, name in (("lee", "Dr. Lee"), ("kim", "Dr. Kim"), ("ash", "Ash Associate")):
        assert f'<option value="{world.staff[key].id}">{name}</option>' in form
    assert '<option value="co_therapist">' in form


def test_without_javascript_the_page_opens_with_the_form(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    opened = lee.get(f"{url}/staff")
    assert opened.status_code == 200
    assert '<details class="panel" id="panel-team" open>' in opened.text
    assert re.search(r"<details open>\s*<summary>Change the team</summary>\s*<form", opened.text)
    assert 'id="assign-staff_id"' in opened.text


def test_a_refused_assignment_keeps_the_form_open_with_the_choice(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    kim = str(world.staff["kim"].id)
    refused = lee.post(f"{url}/staff", {"duty": "", "staff_id": kim}, htmx=True)
    assert refused.status_code == 422
    assert re.search(r"<details open>\s*<summary>Change the team</summary>", refused.text)
    assert f'<option value="{kim}" selected>Dr. Kim</option>' in refused.text
    assert 'id="assign-duty-error"' in refused.text


def test_the_form_is_given_only_where_the_page_offers_it(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}"
    # Pat, Dr. Lee's administrator, may give the duties an administrator may, no other.
    pat = signed_in("pat")
    duties = re.findall(
        r'<option value="([a-z_]+)"', row_form(pat, pat.get(url).text, "Change the team")
    )
    assert "admin_support" in duties and "co_therapist" not in duties
    # Kim and Ash do not see the case at all.
    for who in ("kim", "ash"):
        for htmx in (True, False):
            assert signed_in(who).get(f"{url}/staff", htmx=htmx).status_code == 404
    # A closed case's team is not changed: neither fold nor form (a stale tab is told so).
    lee = signed_in("lee")
    assert lee.post(f"{url}/close", {}).status_code == 303
    assert "Change the team" not in lee.get(url).text
    for htmx in (True, False):
        refused = lee.get(f"{url}/staff", htmx=htmx)
        assert refused.status_code == 404 and "reload the case" in refused.text
