"""The case page's row actions stay folded until wanted; a refused day shows next to the date
input it was typed in; dates read as people write them, with the ISO value kept for machines."""

from __future__ import annotations

import re
from datetime import date, datetime

from adapters.web.kit.rendering import form_errors
from adapters.web.templating import human_date
from core.domain.shared.errors import InvalidInput, PeriodConflict
from tests.web.cases.row_forms import fold_address, item_id, row_form
from tests.web.conftest import World


def _first(pattern: str, html: str) -> str:
    found = re.search(pattern, html)
    assert found is not None, pattern
    return found.group(1)


def test_row_actions_are_folded_and_keep_their_accessible_names(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    page = lee.get(url).text
    # Two folded actions (end, entered in error) per partner and for the payer, none open on
    # arrival; the page carries each fold's address, not its form.
    assert page.count('<details class="row-action">') == 6
    assert '<details class="row-action" open>' not in page
    assert 'aria-label="End membership of' not in page
    # The short visible word is completed for screen readers.
    assert 'End…<span class="visually-hidden"> (membership of Maya Rivera)</span>' in page
    for name in ("Maya Rivera", "Sam Chen"):
        form = row_form(lee, page, f"End membership of {name}")
        assert form.lstrip().startswith("<form") and "<details" not in form  # the form alone
        assert f'aria-label="End membership of {name}"' in form
        assert f">End membership of {name}</button>" in form
    form = row_form(lee, page, "Sam Chen stops paying")
    assert 'aria-label="Sam Chen stops paying"' in form
    assert ">Stop Sam Chen paying</button>" in form
    # Without JavaScript the fold's link opens the page with that form open in its panel.
    address = fold_address(page, "Mark the membership of Sam Chen as entered in error")
    opened = lee.get(address).text
    assert opened.count('<details class="row-action" open>') == 1
    assert 'aria-label="Mark the membership of Sam Chen as entered in error"' in opened
    assert '<details class="panel" id="panel-participants" open>' in opened


def test_a_row_form_is_only_given_where_the_page_offers_it(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    membership = item_id(lee.get(url).text, "End membership of Sam Chen")
    # Not ended, so no last day to correct; an item of another kind; the page of another
    # case: each says the page changed (a row ended in another tab) rather than a lost page.
    for address in (
        f"{url}/members/{membership}/end-date",
        f"{url}/payers/{membership}/end",
        f"/cases/{world.cases['consultation']}/members/{membership}/end",
    ):
        for htmx in (True, False):
            refused = lee.get(address, htmx=htmx)
            assert refused.status_code == 404, address
            assert "reload the case" in refused.text
    assert lee.post(f"{url}/members/{membership}/end", {}).status_code == 303  # ended today
    assert lee.get(f"{url}/members/{membership}/end", htmx=True).status_code == 404
    assert lee.get(f"{url}/members/{membership}/end-date", htmx=True).status_code == 200
    assert lee.post(f"{url}/close", {}).status_code == 303
    assert lee.get(f"{url}/members/{membership}/end-date", htmx=True).status_code == 404


def test_an_opened_fold_without_javascript_shows_what_is_saved(signed_in, world: World, container):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    maya = str(world.people["maya"])
    membership = item_id(lee.get(url).text, "End membership of Maya Rivera")
    assert lee.post(f"{url}/members/{membership}/end", {"left_on": "2026-01-09"}).status_code == 303
    opened = lee.get(f"{url}/members/{membership}/end-date").text
    assert opened.count('<details class="row-action" open>') == 1
    field = f"end-date-{membership}-left_on"
    assert re.search(rf'id="{field}"[^>]*value="2026-01-09"', opened)
    assert re.search(r'name="was" value="2026-01-09"', opened)
    # Who has a payer of their own is asked whether it goes on when their membership ends.
    sam = item_id(opened, "End membership of Sam Chen")
    alone = row_form(lee, opened, "End membership of Sam Chen")
    assert "Keep what pays for Sam Chen" not in alone  # Sam pays for the whole couple
    added = lee.post(
        f"{url}/payers", {"payer": f"person:{maya}", "covers": str(world.people["sam"])}
    )
    assert added.status_code == 303, added.text[:300]
    covered = lee.get(f"{url}/members/{sam}/end", htmx=True).text
    assert f'id="left-{sam}-keep_billing"' in covered


def test_a_day_before_joining_is_refused_next_to_the_last_day(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    membership = _first(r"/members/([0-9a-f-]{36})/end", lee.get(url).text)
    for htmx in (True, False):
        refused = lee.post(f"{url}/members/{membership}/end", {"left_on": "1999-01-01"}, htmx=htmx)
        assert refused.status_code == 422
        field = f"left-{membership}-left_on"
        assert re.search(
            rf'id="{field}"[^>]*value="1999-01-01"[^>]*aria-invalid="true"', refused.text
        )
        error = _first(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', refused.text)
        assert "cannot end on 1999-01-01" in error
        assert 'class="form-error"' not in refused.text  # not a form-level alert any more
        assert '<details class="row-action" open>' in refused.text  # the refused row stays open


def test_a_payer_stopping_before_paying_is_refused_next_to_the_day(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    payer = _first(r"/payers/([0-9a-f-]{36})/end", lee.get(url).text)
    refused = lee.post(f"{url}/payers/{payer}/end", {"on": "1999-01-01"}, htmx=True)
    assert refused.status_code == 422
    error = _first(rf'id="payer-end-{payer}-on-error">([^<]*)<', refused.text)
    assert "cannot end on 1999-01-01" in error
    assert 'class="form-error"' not in refused.text


def test_closing_before_a_membership_began_is_refused_at_the_closing_date(signed_in, world: World):
    refused = signed_in("lee").post(
        f"/cases/{world.cases['couple']}/close", {"closed_on": "1999-01-01"}, htmx=True
    )
    assert refused.status_code == 422
    assert re.search(r'id="close-closed_on-error">[^<]*1999-01-01', refused.text)
    assert 'class="form-error"' not in refused.text


def test_form_errors_put_a_period_rule_at_the_forms_date_input():
    conflict = PeriodConflict("It cannot end then.", field="end")
    assert form_errors(conflict) == {"end": "It cannot end then."}
    assert form_errors(conflict, {"left_on": ""}, "left_on") == {"left_on": "It cannot end then."}
    # A form without a date input: on top of the form, never lost.
    assert form_errors(conflict, {"other": ""}, None) == {
        "end": "It cannot end then.",
        "_form": "It cannot end then.",
    }
    # A rule about another field is not moved to the date.
    named = InvalidInput("Choose a person.", field="person_id")
    assert form_errors(named, {"person_id": "", "from_day": ""}, "from_day") == {
        "person_id": "Choose a person."
    }


def test_one_instant_reads_in_the_timezone_it_is_given_in():
    """Equal instants in two timezones are equal datetimes: each is shown in its own."""
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 2, 14, 0, tzinfo=ZoneInfo("UTC"))
    local = at.astimezone(ZoneInfo("America/New_York"))
    assert "09:00" in human_date(local) and "14:00" in human_date(at)
    assert "14:00" in human_date(at) and "09:00" in human_date(local)  # in either order


def test_dates_read_as_people_write_them_and_never_wrap(signed_in, world: World):
    assert human_date(date(2026, 9, 8)) == '<time datetime="2026-09-08">8 Sep 2026</time>'
    assert human_date(datetime(2026, 11, 2, 7, 5)) == (
        '<time datetime="2026-11-02T07:05">2 Nov 2026 07:05</time>'
    )
    assert human_date(None) == ""
    listing = signed_in("lee").get("/cases").text
    opened = _first(r'<time datetime="(\d{4}-\d{2}-\d{2})">', listing)
    shown = date.fromisoformat(opened)
    assert f'<time datetime="{opened}">{shown.day} {shown:%b %Y}</time>' in listing
    css = signed_in("lee").get("/static/hearth.css").text
    assert "time { white-space: nowrap; }" in css
