"""Ending a co-therapist's, supervisor's or administrative support's duty on the case page: folded
behind a short "End…" like a member's row, with an optional last day whose refusal shows next
to it; the accessible names stay those the end-to-end tests use."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.cases.row_forms import row_form
from tests.web.conftest import World


def _assign(browser, url: str, duty: str, staff_id: str) -> str:
    """Assign a duty and return the new assignment's id (the newest "/staff/<id>/end" fold)."""
    before = set(re.findall(r"/staff/([0-9a-f-]{36})/end", browser.get(url).text))
    done = browser.post(url + "/staff", {"duty": duty, "staff_id": staff_id}, htmx=True)
    assert done.status_code == 200, done.text
    (new,) = set(re.findall(r"/staff/([0-9a-f-]{36})/end", done.text)) - before
    return new


def test_each_duty_end_is_folded_with_a_last_day(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    kim = _assign(lee, url, "co_therapist", str(world.staff["kim"].id))
    pat = _assign(lee, url, "admin_support", str(world.staff["pat"].id))
    page = lee.get(url).text
    # Two folded actions (end, entered in error) per partner, the payer and now the two
    # duties; none open on arrival.
    assert page.count('<details class="row-action">') == 10
    for assignment, name, duty in (
        (kim, "Dr. Kim", "co-therapist"),
        (pat, "Pat Admin", "administrative support"),
    ):
        assert f'End…<span class="visually-hidden"> ({duty} role of {name})</span>' in page
        form = row_form(lee, page, f"{name} stops as {duty}")
        assert f'aria-label="{name} stops as {duty}"' in form
        assert f">End {duty} role of {name}</button>" in form
        field = f"duty-end-{assignment}-on"
        assert re.search(rf'<input id="{field}" name="on" type="date"', form)
        assert f'<label for="{field}">Last day as {duty} of {name}' in form
    # The owner sees none for the responsible provider: an open case always keeps one.
    assert "stops as responsible provider" not in page


def test_a_last_day_before_the_duty_began_is_refused_next_to_it(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    kim = _assign(lee, url, "co_therapist", str(world.staff["kim"].id))
    field = f"duty-end-{kim}-on"
    for htmx in (True, False):
        refused = lee.post(f"{url}/staff/{kim}/end", {"on": "1999-01-01"}, htmx=htmx)
        assert refused.status_code == 422
        assert re.search(
            rf'id="{field}"[^>]*value="1999-01-01"[^>]*aria-invalid="true"', refused.text
        )
        assert re.search(
            rf'<p class="field-error" id="{field}-error">[^<]*1999-01-01', refused.text
        )
        assert 'class="form-error"' not in refused.text  # next to the day, not on top
        assert refused.text.count('<details class="row-action" open>') == 1
    garbled = lee.post(f"{url}/staff/{kim}/end", {"on": "2026-02-30"}, htmx=True)
    assert garbled.status_code == 422 and f'id="{field}-error"' in garbled.text
    still = lee.get(url).text  # on the team
    assert 'data-form-label="Dr. Kim stops as co-therapist"' in still


def test_the_chosen_last_day_is_the_one_recorded(signed_in, world: World, container):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    kim = _assign(lee, url, "co_therapist", str(world.staff["kim"].id))
    container.clock().set(container.clock().now() + timedelta(days=10))
    lee = signed_in("lee")  # the session does not outlive ten days
    last_day = container.clock().today() - timedelta(days=3)
    ended = lee.post(f"{url}/staff/{kim}/end", {"on": last_day.isoformat()}, htmx=True)
    assert ended.status_code == 200
    assert "Dr. Kim stops as co-therapist" not in ended.text  # no longer on the team
    before = re.search(r"<caption>Before</caption>.*?</table>", ended.text, re.S)
    assert before is not None and "Dr. Kim" in before.group(0)
    assert f'<time datetime="{last_day.isoformat()}">' in before.group(0)
    # Left empty, the last day is today (what the one-click end did before).
    pat = _assign(lee, url, "admin_support", str(world.staff["pat"].id))
    assert lee.post(f"{url}/staff/{pat}/end", {"on": ""}).status_code == 303
    page = lee.get(url).text
    today = container.clock().today().isoformat()
    # Still on the team through today, marked with that last day and with nothing left to end.
    assert re.search(
        rf'Pat Admin <span class="muted">since .*?, last day <time datetime="{today}">', page
    )
    assert "Pat Admin stops as administrative support" not in page
