"""The calendar feed over HTTP: made on the settings page, parsed by `icalendar` and
`recurring-ical-events`, free of client names unless the clinician opts in, 404 once revoked."""

from __future__ import annotations

import re
from datetime import date

import recurring_ical_events
from icalendar import Calendar
from litestar.testing import TestClient

from tests.web.scheduling.test_schedule import book_couple
from tests.web.scheduling.test_schedule import services as services  # the fixture


def new_feed(browser, **data) -> str:
    page = browser.post("/schedule/feed", data)
    assert page.status_code == 200, page.text
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page.text).group(1)
    return re.sub(r"^https?://[^/]+", "", url)  # HEARTH_PUBLIC_URL's host


def test_feed_parses_and_names_no_client(signed_in, world, services, app):
    lee = signed_in("lee")
    assert book_couple(lee, world, services, repeat="on", count="3").status_code == 303
    path = new_feed(lee)
    assert path.startswith("/calendar/") and path.endswith(".ics")
    with TestClient(app) as client:  # no session at all: the secret address is enough
        response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "no-store"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Couple session (M.S.)"] * 3
    body = response.content.decode()
    for name in ("Maya", "Sam", "Rivera", "Chen"):
        assert name not in body
    between = recurring_ical_events.of(calendar).between(date(2026, 1, 1), date(2026, 2, 1))
    assert len(between) == 3
    assert sorted(e["DTSTART"].dt.day for e in between) == [6, 13, 20]


def test_names_only_when_the_clinician_opts_in(signed_in, world, services):
    lee = signed_in("lee")
    book_couple(lee, world, services)
    path = new_feed(lee, include_names="on")
    body = lee.get(path).text
    assert "Couple session: Maya & Sam" in body
    # The settings page says since when, as people read a date, the ISO value kept in <time>.
    settings = lee.get("/schedule/feed").text
    assert re.search(r'active since <time datetime="[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4} ', settings)


def test_revoked_or_replaced_feed_is_404(signed_in, world, services):
    lee = signed_in("lee")
    old = new_feed(lee)
    assert lee.get(old).status_code == 200
    new = new_feed(lee)
    assert lee.get(old).status_code == 404  # a new address replaces the old one
    assert lee.get(new).status_code == 200
    page = lee.get("/schedule/feed")
    assert "A feed is active" in page.text and new.split("/")[-1] not in page.text
    assert lee.post("/schedule/feed/revoke", {}).status_code == 303
    assert lee.get(new).status_code == 404
    assert "No feed is active" in lee.get("/schedule/feed").text


def test_feed_refusals(signed_in, world, services):
    lee = signed_in("lee")
    assert lee.post("/schedule/feed", {}, csrf=False).status_code == 403
    assert lee.post("/schedule/feed/revoke", {}, csrf=False).status_code == 403
    assert signed_in("pat").get("/schedule/feed").status_code == 403  # not a clinician
    for hostile in ("x.ics", "%2e%2e%2fetc", "A" * 500 + ".ics", "<script>.ics"):
        assert lee.get(f"/calendar/{hostile}").status_code == 404
