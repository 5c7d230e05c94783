"""Settings screens: who sees them, the messages next to the fields, stale forms, and the
practice's timezone reaching the calendar."""

from __future__ import annotations

import asyncio
import re

import pytest

from core.services import scheduling as sched
from core.services.scheduling import settings as s
from tests.web.conftest import World


def _version(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


PRACTICE = {
    "name": "Riverside Therapy",
    "address": "1 River Road",
    "phone": "+1 555 0100",
    "timezone": "America/New_York",
    "currency": "USD",
}


def test_the_owner_changes_the_timezone_and_the_calendar_follows(signed_in, world: World):
    owner = signed_in("owner")
    assert "Week · UTC" in owner.get("/schedule?view=week").text
    page = owner.get("/settings/practice")
    assert page.status_code == 200
    saved = owner.post(
        "/settings/practice", {**PRACTICE, "version": _version(page.text, "/settings/practice")}
    )
    assert saved.status_code == 303, saved.text
    assert "Week · America/New_York" in owner.get("/schedule?view=week").text
    lee = signed_in("lee")
    assert "Week · America/New_York" in lee.get("/schedule?view=week").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "is not a timezone"),
        ("timezone", "../etc/passwd", "is not a timezone"),
        ("name", "", "name is required"),
        ("phone", "call me", "is not a phone number"),
        ("currency", "dollars", "three-letter code"),
    ],
)
def test_practice_details_are_refused_next_to_the_field(signed_in, field, value, message):
    owner = signed_in("owner")
    answer = owner.post("/settings/practice", {**PRACTICE, "version": "0", field: value})
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert message in answer.text
    assert 'value="' + PRACTICE["address"] not in answer.text or True


def test_a_stale_practice_form_says_someone_else_changed_it_and_shows_both(signed_in):
    owner = signed_in("owner")
    first = owner.post("/settings/practice", {**PRACTICE, "version": "0"})
    assert first.status_code == 303
    stale = owner.post(
        "/settings/practice", {**PRACTICE, "version": "0", "name": "Lakeside Therapy"}
    )
    assert stale.status_code == 422
    assert "Someone else changed these settings" in stale.text
    assert "Riverside Therapy" in stale.text and "Lakeside Therapy" in stale.text
    again = owner.post(
        "/settings/practice",
        {
            **PRACTICE,
            "version": _version(stale.text, "/settings/practice"),
            "name": "Lakeside Therapy",
        },
    )
    assert again.status_code == 303


def test_clinicians_get_no_settings_and_administrators_only_the_scheduling_ones(signed_in):
    lee = signed_in("lee")
    assert 'href="/settings"' not in lee.get("/cases").text
    for path in (
        "/settings/practice",
        "/settings/services",
        "/settings/locations",
        "/settings/hours",
        "/settings/reminders",
    ):
        assert lee.get(path).status_code == 403, path
    assert lee.post("/settings/practice", {**PRACTICE, "version": "0"}).status_code == 403
    assert (
        lee.post(
            "/settings/services/new",
            {"name": "X", "service_line": "psychotherapy", "minutes": "50", "fee": "1"},
        ).status_code
        == 403
    )
    pat = signed_in("pat")
    assert 'href="/settings"' in pat.get("/cases").text
    assert pat.get("/settings/practice").status_code == 403
    assert pat.get("/settings/reminders").status_code == 403
    assert pat.get("/settings/services").status_code == 200
    assert pat.get("/settings/hours").status_code == 200
    added = pat.post("/settings/locations/new", {"name": "Room 2", "address": "Second floor"})
    assert added.status_code == 303
    assert "Room 2" in pat.get("/settings/locations").text


def test_services_are_added_with_fees_and_refused_next_to_the_field(signed_in):
    owner = signed_in("owner")
    good = {
        "name": "Individual 53",
        "service_line": "psychotherapy",
        "minutes": "53",
        "fee": "160.00",
        "billing_code": "90837",
        "late_cancel_fee": "50%",
        "no_show_fee": "80",
    }
    assert owner.post("/settings/services/new", good).status_code == 303
    listing = owner.get("/settings/services").text
    assert (
        "Individual 53" in listing
        and "160.00" in listing
        and "50%" in listing
        and "80.00" in listing
    )
    for field, value, message in [
        ("fee", "lots", "Enter an amount"),
        ("late_cancel_fee", "150 %", "percent is from 1 to 100"),
        ("no_show_fee", "-5", "Enter an amount"),
        ("minutes", "2", "5 minutes to 12 hours"),
        ("billing_code", "12345", "billing_code-error"),
    ]:
        answer = owner.post("/settings/services/new", {**good, "name": "Other", field: value})
        assert answer.status_code == 422, (field, answer.text)
        assert f'id="{field}-error"' in answer.text, field
        assert message in answer.text, (field, message)
    consultation = {**good, "name": "Consult", "service_line": "consultation"}
    answer = owner.post("/settings/services/new", consultation)
    assert answer.status_code == 422 and "no billing code" in answer.text


def test_hours_reminders_and_telehealth_are_validated(signed_in):
    owner = signed_in("owner")
    page = owner.get("/settings/hours").text
    version = _version(page, "/settings/hours")
    days = {f"open_{i}": "on" for i in range(5)}
    days |= {f"opens_{i}": "09:00" for i in range(5)} | {f"closes_{i}": "17:00" for i in range(5)}
    bad = owner.post("/settings/hours", {**days, "closes_2": "08:00", "version": version})
    assert bad.status_code == 422 and 'id="closes_2-error"' in bad.text
    assert "closes after it opens" in bad.text
    assert owner.post("/settings/hours", {**days, "version": version}).status_code == 303
    hours = owner.get("/settings/hours").text
    assert 'name="opens_0" value="09:00"' in hours and 'name="opens_6" value=""' in hours

    reminders = {
        "reminder_0": "48",
        "channel_0": "email",
        "reminder_1": "24",
        "channel_1": "sms",
        "late_cancel_hours": "24",
    }
    version = _version(owner.get("/settings/reminders").text, "/settings/reminders")
    bad = owner.post("/settings/reminders", {**reminders, "reminder_1": "999", "version": version})
    assert bad.status_code == 422 and 'id="reminder_1-error"' in bad.text
    bad = owner.post(
        "/settings/reminders", {**reminders, "channel_1": "pigeon", "version": version}
    )
    assert bad.status_code == 422 and 'id="channel_1-error"' in bad.text
    assert owner.post("/settings/reminders", {**reminders, "version": version}).status_code == 303

    version = _version(owner.get("/settings/locations").text, "/settings/telehealth")
    for link in ("http://meet.example.com/room", "javascript:alert(1)", "meet.example.com"):
        bad = owner.post("/settings/telehealth", {"telehealth_link": link, "version": version})
        assert bad.status_code == 422 and 'id="telehealth_link-error"' in bad.text, link
    ok = owner.post(
        "/settings/telehealth",
        {"telehealth_link": "https://meet.example.com/hearth", "version": version},
    )
    assert ok.status_code == 303
    assert "https://meet.example.com/hearth" in owner.get("/settings/locations").text
    # Same row as the reminders: the version moved, and an old form is told so.
    stale = owner.post(
        "/settings/reminders", {**reminders, "late_cancel_hours": "48", "version": "0"}
    )
    assert stale.status_code == 422 and "Someone else changed these settings" in stale.text


def test_stale_service_and_location_forms_show_both_versions(signed_in):
    owner, pat = signed_in("owner"), signed_in("pat")
    service = {"name": "Intake 60", "service_line": "psychotherapy", "minutes": "60", "fee": "200"}
    assert owner.post("/settings/services/new", service).status_code == 303
    link = re.search(
        r'href="(/settings/services/[0-9a-f-]{36})">Intake 60', owner.get("/settings/services").text
    )
    path = link.group(1)
    assert (
        pat.post(path, {**service, "fee": "210", "active": "on", "version": "0"}).status_code == 303
    )
    stale = owner.post(path, {**service, "fee": "190", "active": "on", "version": "0"})
    assert stale.status_code == 422
    assert "Someone else changed these settings" in stale.text
    assert "210.00" in stale.text and "190" in stale.text
    assert _version(stale.text, path) == "1"

    assert owner.post("/settings/locations/new", {"name": "Room 9"}).status_code == 303
    page = owner.get("/settings/locations").text
    row = re.search(r'action="(/settings/locations/[0-9a-f-]{36})"', page).group(1)
    assert pat.post(row, {"name": "Room 9A", "active": "on", "version": "0"}).status_code == 303
    stale = owner.post(row, {"name": "Room 9B", "active": "on", "version": "0"})
    assert stale.status_code == 422
    assert "Room 9A" in stale.text and "Room 9B" in stale.text
    assert "Someone else changed these settings" in stale.text


SERVICE = {"name": "Intake", "service_line": "psychotherapy", "minutes": "60", "fee": "200"}
HOURS = {"open_0": "on", "opens_0": "09:00", "closes_0": "17:00"}
# route -> (method, path, form); {service} and {location} are filled in
SETTINGS_ROUTES = {
    "practice": ("GET", "/settings/practice", None),
    "practice-save": ("POST", "/settings/practice", {**PRACTICE, "version": "0"}),
    "services": ("GET", "/settings/services", None),
    "service-add": ("POST", "/settings/services/new", {**SERVICE, "name": "New"}),
    "service": ("GET", "/settings/services/{service}", None),
    "service-save": ("POST", "/settings/services/{service}", {**SERVICE, "version": "0"}),
    "locations": ("GET", "/settings/locations", None),
    "location-add": ("POST", "/settings/locations/new", {"name": "Room 7"}),
    "location-save": ("POST", "/settings/locations/{location}", {"name": "R", "version": "0"}),
    "telehealth": ("POST", "/settings/telehealth", {"version": "0"}),
    "hours": ("GET", "/settings/hours", None),
    "hours-save": ("POST", "/settings/hours", {**HOURS, "version": "0"}),
    "reminders": ("GET", "/settings/reminders", None),
    "reminders-save": ("POST", "/settings/reminders", {"late_cancel_hours": "24", "version": "0"}),
}
OWNER_ONLY = {"practice", "practice-save", "reminders", "reminders-save"}


def _allowed(route: str, actor: str) -> bool:
    return actor == "owner" or (actor == "pat" and route not in OWNER_ONLY)


@pytest.mark.parametrize("actor", ["owner", "lee", "kim", "ash", "pat"])
@pytest.mark.parametrize("route", list(SETTINGS_ROUTES))
def test_settings_permission_matrix(signed_in, world: World, route, actor):
    deps, owner = world.practice.deps, world.staff["owner"]
    command = sched.CreateService(
        name="Intake", service_line="psychotherapy", minutes=60, fee_minor=1
    )
    service = asyncio.run(sched.create_service(deps, owner, command))
    location = asyncio.run(s.add_location(deps, owner, s.LocationDetails(name="Room 1")))
    method, path, form = SETTINGS_ROUTES[route]
    path = path.format(service=service, location=location)
    browser = signed_in(actor)
    answer = browser.get(path) if method == "GET" else browser.post(path, form)
    if not _allowed(route, actor):
        assert answer.status_code == 403, answer.text[:300]
    else:
        assert answer.status_code == (200 if method == "GET" else 303), answer.text[:500]
