"""The calendar, booking from a free slot and the appointment page over HTTP: htmx fragments and
plain posts, refusals next to the field, CSRF, who may see whose calendar, hostile input."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest

from core.domain.cases.kinds import ServiceLine
from core.domain.directory.parties import StaffRole
from core.services import scheduling as s
from tests.web.conftest import PASSWORD, World

START_MONDAY = "2026-01-05"


@pytest.fixture
def services(container, world: World) -> dict[str, str]:
    deps = container.scheduling_deps()
    made = {}
    for name, line, minutes, code in (
        ("Couple 50", ServiceLine.PSYCHOTHERAPY, 50, "90847"),
        ("Consultation 60", ServiceLine.CONSULTATION, 60, None),
    ):
        made[name] = str(
            asyncio.run(
                s.create_service(
                    deps,
                    world.staff["owner"],
                    s.CreateService(
                        name=name,
                        service_line=line,
                        minutes=minutes,
                        fee_minor=15000,
                        billing_code=code,
                    ),
                )
            )
        )
    return made


def book_couple(browser, world, services, start="2026-01-06T10:00", **more):
    data = {
        "case_id": str(world.cases["couple"]),
        "start": start,
        "service_id": services["Couple 50"],
        **more,
    }
    return browser.post("/schedule/new", data)


def appointment_id(response) -> str:
    match = re.search(r"/appointments/([0-9a-f-]{36})", response.headers["location"])
    assert match, response.headers
    return match.group(1)


def test_week_view_shows_case_name_and_kind_and_moves_by_weeks(signed_in, world, services):
    lee = signed_in("lee")
    assert book_couple(lee, world, services).status_code == 303
    page = lee.get(f"/schedule?start={START_MONDAY}")
    assert page.status_code == 200
    assert "Maya &amp; Sam" in page.text and "couple" in page.text
    assert "10:00\u201310:50" in page.text
    assert "Calendar" in page.text  # the main navigation
    # Next week: an htmx swap of the calendar only, with the week after.
    nxt = lee.get("/schedule?view=week&start=2026-01-12", htmx=True)
    assert nxt.status_code == 200
    assert nxt.text.lstrip().startswith('<div id="calendar"')
    assert "Maya &amp; Sam" not in nxt.text
    assert "start=2026-01-05" in nxt.text and "start=2026-01-19" in nxt.text  # prev / next
    day = lee.get("/schedule?view=day&start=2026-01-06")
    assert (
        "Maya &amp; Sam" in day.text
        and 'Tuesday <time datetime="2026-01-06">6 Jan 2026</time>' in day.text
    )


def test_free_slot_opens_the_booking_form_with_the_time(signed_in, world, services):
    lee = signed_in("lee")
    week = lee.get(f"/schedule?start={START_MONDAY}")
    slot = re.search(r'href="(/schedule/new\?start=2026-01-07T09%3A00[^"]*)"', week.text)
    assert slot, "a free slot links to the booking form"
    form = lee.get(slot.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    assert 'value="2026-01-07T09:00"' in form.text
    assert "Maya &amp; Sam" in form.text  # the case picker lists Dr. Lee's cases
    chosen = lee.get(f"/schedule/new?case={world.cases['couple']}&start=2026-01-07T09:00")
    assert "Couple 50" in chosen.text and "Consultation 60" not in chosen.text


def test_choosing_the_case_without_javascript_posts_back_and_books_nothing(
    signed_in, world, services
):
    lee = signed_in("lee")
    chosen = book_couple(lee, world, services, step="choose")
    assert chosen.status_code == 200
    assert "Couple 50" in chosen.text and 'value="2026-01-06T10:00"' in chosen.text
    assert "_csrf_token" not in (chosen.headers.get("location") or "")
    week = lee.get(f"/schedule?start={START_MONDAY}")
    assert "Maya &amp; Sam" not in week.text  # nothing was booked


def test_booking_and_the_appointment_page(signed_in, world, services):
    lee = signed_in("lee")
    response = book_couple(lee, world, services, location="Room 2")
    assert response.status_code == 303
    page = lee.get(f"/appointments/{appointment_id(response)}")
    assert page.status_code == 200
    for text in ("Maya Rivera", "Sam Chen", "Room 2", "scheduled", "Booked by Dr. Lee"):
        assert text in page.text
    assert "Nobody attended (yet)" in page.text  # the code waits for attendance
    # The session and the booking moment read as "6 Jan 2026", each in a <time> with its ISO value.
    assert re.search(
        r'<h1>Tuesday <time datetime="2026-01-06T10:00[^"]*">6 Jan 2026 10:00</time>', page.text
    )
    assert re.search(
        r'Booked by Dr\. Lee on <time datetime="[^"]+">\d{1,2} \w{3} \d{4} ', page.text
    )


def test_double_booking_is_refused_next_to_the_start_field(signed_in, world, services):
    lee = signed_in("lee")
    assert book_couple(lee, world, services).status_code == 303
    again = book_couple(lee, world, services, start="2026-01-06T10:30")
    assert again.status_code == 422
    assert 'id="book-start-error"' in again.text
    assert "already has an appointment" in again.text
    assert 'value="2026-01-06T10:30"' in again.text  # what was typed is kept


@pytest.mark.parametrize(
    "field,value,where",
    [
        ("start", "not a time", "book-start-error"),
        ("start", "2026-13-45T99:99", "book-start-error"),
        ("minutes", "-5", "book-minutes-error"),
        ("minutes", "99999999999999999999", "book-minutes-error"),
        ("service_id", "'; drop table services; --", "book-service_id-error"),
        ("provider_ids", "<script>", "book-provider_ids-error"),
        ("count", "0", "book-count-error"),
    ],
)
def test_hostile_booking_input_is_a_message_not_a_500(
    signed_in, world, services, field, value, where
):
    lee = signed_in("lee")
    extra = {field: value}
    if field == "count":
        extra["repeat"] = "on"
    response = book_couple(lee, world, services, **extra)
    assert response.status_code == 422, response.text
    assert f'id="{where}"' in response.text
    assert "<script>" not in response.text


def test_bad_ids_in_addresses_are_404(signed_in, world, services):
    lee = signed_in("lee")
    assert lee.get("/appointments/not-a-uuid").status_code == 404
    assert lee.get("/appointments/00000000-0000-0000-0000-000000000000").status_code == 404
    assert lee.post("/appointments/zzz/status", {"status": "completed"}).status_code == 404
    assert lee.get("/schedule?start=yesterday").status_code == 422
    assert lee.get("/schedule?who=<b>").status_code == 422


def test_posts_without_the_csrf_token_are_refused(signed_in, world, services):
    lee = signed_in("lee")
    refused = lee.post(
        "/schedule/new",
        {"case_id": str(world.cases["couple"]), "start": "2026-01-06T10:00"},
        csrf=False,
    )
    assert refused.status_code == 403
    aid = appointment_id(book_couple(lee, world, services))
    assert lee.post(f"/appointments/{aid}/cancel", {"version": "0"}, csrf=False).status_code == 403
    assert lee.get(f"/appointments/{aid}").text.count("scheduled") >= 1


def test_attendance_buttons_update_in_place_and_codes_follow(signed_in, world, services, container):
    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services))
    page = lee.get(f"/appointments/{aid}")
    maya = str(world.people["maya"])
    early = lee.post(
        f"/appointments/{aid}/attendance", {"person_id": maya, "mark": "attended"}, htmx=True
    )
    assert early.status_code == 422  # the session has not begun
    assert "once the session has begun" in early.text
    container.clock().set(datetime(2026, 1, 6, 11, 0, tzinfo=UTC))
    lee = signed_in("lee")  # a day later: a new session
    done = lee.post(
        f"/appointments/{aid}/attendance", {"person_id": maya, "mark": "attended"}, htmx=True
    )
    assert done.status_code == 200
    assert done.text.lstrip().startswith('<div id="appointment"')
    assert "completed" in done.text
    version = re.search(r'name="version" value="(\d+)"', done.text).group(1)
    # Maya came alone: Hearth asks (90846 with Sam as identified client, or her own session).
    assert "Hearth asks:" in done.text and "Sam Chen as the identified client" in done.text
    guessed = lee.post(
        f"/appointments/{aid}/codes", {"version": version, "choice": "suggested"}, htmx=True
    )
    assert guessed.status_code == 422 and "does not guess" in guessed.text
    confirm = lee.post(
        f"/appointments/{aid}/codes",
        {"version": version, "choice": "option", "option": "0"},
        htmx=True,
    )
    assert confirm.status_code == 200 and "Confirmed:" in confirm.text
    assert "90846" in confirm.text and "(Sam Chen)" in confirm.text
    refused = lee.post(f"/appointments/{aid}/status", {"version": version, "status": "no_show"})
    assert refused.status_code == 422 and "Someone attended this session" in refused.text
    stale = lee.post(
        f"/appointments/{aid}/codes", {"version": "0", "choice": "option", "option": "1"}
    )
    assert stale.status_code == 422
    assert "changed this appointment meanwhile" in stale.text
    assert page.status_code == 200


def test_change_and_cancel_the_rest_of_a_series(signed_in, world, services):
    lee = signed_in("lee")
    response = book_couple(lee, world, services, repeat="on", count="4")
    first = appointment_id(response)
    page = lee.get(f"/appointments/{first}")
    assert "session 1 of 4" in page.text
    sessions = re.findall(r'<li[^>]*><a href="/appointments/([0-9a-f-]{36})"', page.text)
    assert len(sessions) == 4
    second = sessions[1]
    moved = lee.post(
        f"/appointments/{second}/change",
        {
            "version": "0",
            "start": "2026-01-13T11:00",
            "minutes": "50",
            "service_id": services["Couple 50"],
            "provider_ids": str(world.staff["lee"].id),
            "scope": "following",
        },
    )
    assert moved.status_code == 303, moved.text
    after = lee.get(f"/appointments/{sessions[3]}")
    assert "11:00" in after.text
    # Cancelling asks once: the first post only shows the question (nothing is cancelled).
    asked = lee.post(f"/appointments/{second}/cancel", {"version": "1", "scope": "following"})
    assert asked.status_code == 200 and "Cancel this and the following sessions?" in asked.text
    assert 'id="appointment-status">scheduled' in lee.get(f"/appointments/{sessions[3]}").text
    yes = {"version": "1", "scope": "following", "confirmed": "yes"}
    cancel = lee.post(f"/appointments/{second}/cancel", yes)
    assert cancel.status_code == 303, cancel.text
    assert "cancelled" in lee.get(f"/appointments/{sessions[3]}").text
    # The "Yes" clicked twice: the second is refused with a message, nothing cancelled twice.
    twice = lee.post(f"/appointments/{second}/cancel", yes, htmx=True)
    assert twice.status_code == 422 and 'id="confirm-cancel"' not in twice.text


def test_administrator_schedules_in_her_clinicians_calendar(signed_in, world, services):
    pat = signed_in("pat")
    week = pat.get(f"/schedule?start={START_MONDAY}")
    assert week.status_code == 200
    assert "working in <strong>Dr. Lee</strong>" in week.text
    form = pat.get(f"/schedule/new?who={world.staff['lee'].id}&start=2026-01-06T10:00")
    assert "Maya &amp; Sam" in form.text
    response = book_couple(pat, world, services, on_behalf_of=str(world.staff["lee"].id))
    assert response.status_code == 303, response.text
    page = pat.get(f"/appointments/{appointment_id(response)}")
    assert "Booked by Pat Admin for Dr. Lee" in page.text


def test_who_may_see_whose_calendar_and_appointments(signed_in, world, services, container, app):
    from tests.web.conftest import Browser

    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services))
    # An administrator who does not support Dr. Kim may not open Dr. Kim's calendar.
    assert signed_in("pat").get(f"/schedule?who={world.staff['kim'].id}").status_code == 403
    # A clinician with no responsibility for the case is told the appointment does not exist.
    kim = signed_in("kim")
    assert kim.get(f"/appointments/{aid}").status_code == 404
    assert kim.post(f"/appointments/{aid}/cancel", {"version": "0"}).status_code == 404
    yes = {"version": "0", "confirmed": "yes"}
    assert kim.post(f"/appointments/{aid}/cancel", yes).status_code == 404
    assert kim.get(f"/schedule?who={world.staff['lee'].id}").status_code == 403
    week = kim.get(f"/schedule?start={START_MONDAY}")
    assert "Maya &amp; Sam" not in week.text
    # An administrator supporting nobody cannot book on a clinician's behalf.
    other = asyncio.run(world.practice.staff("Olu Admin", StaffRole.ADMINISTRATOR))
    from adapters.system.passwords import Argon2PasswordHasher
    from core.services.directory import auth

    asyncio.run(
        auth.set_password(
            world.practice.deps, Argon2PasswordHasher.fast(), None, other.id, PASSWORD
        )
    )
    from litestar.testing import TestClient

    with TestClient(app) as client:
        olu = Browser(client)
        assert olu.sign_in("olu.admin@hearth.test").status_code == 303
        refused = book_couple(olu, world, services, on_behalf_of=str(world.staff["lee"].id))
        assert refused.status_code == 404  # Dr. Lee's case does not exist for her
        assert olu.get(f"/schedule?who={world.staff['lee'].id}").status_code == 403
        assert olu.get(f"/appointments/{aid}").status_code == 404
        assert olu.get(f"/cases/{world.cases['couple']}/schedule").status_code == 404
    # Signed out: the calendar asks for a sign-in.
    lee.post("/sign-out", {})
    assert lee.get("/schedule").status_code in (303, 302)


def test_the_calendar_opens_on_the_week_of_today(signed_in, world, services, container):
    container.clock().set(datetime(2026, 3, 8, 12, 0, tzinfo=UTC))  # a Sunday
    page = signed_in("lee").get("/schedule")
    assert 'week of <time datetime="2026-03-02">2 Mar 2026</time>' in page.text


def test_htmx_booking_loads_the_new_page_and_shows_warnings_once(signed_in, world, services):
    from core.domain.cases.kinds import CaseKind
    from core.services import cases

    kim = world.staff["kim"]
    sam_alone = asyncio.run(
        cases.open_case(
            world.practice.deps,
            world.practice.owner,  # Sam is Dr. Lee's client: the owner links him to Dr. Kim
            cases.OpenCase(
                kind=CaseKind.INDIVIDUAL,
                name="Sam alone",
                responsible_provider_id=kim.id,
                participants=(cases.Participant(person_id=world.people["sam"]),),
            ),
        )
    )
    assert book_couple(signed_in("lee"), world, services).status_code == 303
    browser = signed_in("kim")
    response = browser.post(
        "/schedule/new",
        {
            "case_id": str(sam_alone),
            "start": "2026-01-06T10:30",
            "service_id": services["Couple 50"],
            "despite_overlaps": "on",  # asked on the form before Book (test_booking_checks.py)
        },
        htmx=True,
    )
    assert response.status_code == 200
    target = response.headers["HX-Redirect"]
    assert re.fullmatch(r"/appointments/[0-9a-f-]{36}", target)
    page = browser.get(target)
    assert "Sam Chen has another appointment" in page.text
    assert "Maya" not in page.text  # the other case is not named
    assert "another appointment" not in browser.get(target).text  # shown once


def test_the_owner_sees_a_column_per_clinician_in_the_practice_day(signed_in, world, services):
    lee = signed_in("lee")
    book_couple(lee, world, services)
    day = signed_in("owner").get("/schedule?view=day&start=2026-01-06&who=all")
    assert day.status_code == 200
    columns = re.findall(r'<h2 class="tg-title"><a href="[^"]*">([^<]+)</a></h2>', day.text)
    assert {"Dr. Lee", "Dr. Kim", "Ash Associate"} <= set(columns)
    assert "The whole practice" in day.text and "Maya &amp; Sam" in day.text


@pytest.mark.parametrize(
    "path,data",
    [
        ("/attendance", {"person_id": "not-a-person", "mark": "attended"}),
        ("/attendance", {"person_id": "00000000-0000-0000-0000-000000000000", "mark": "absent"}),
        ("/attendance", {"person_id": "{maya}", "mark": "<script>alert(1)</script>"}),
        ("/status", {"version": "abc", "status": "completed"}),
        ("/status", {"version": "0", "status": "teleported"}),
        ("/codes", {"version": "0", "choice": "own", "codes": "90853 x999"}),
        ("/codes", {"version": "0", "choice": "own", "codes": "90853 and more words"}),
        ("/change", {"version": "0", "start": "2026-02-30T10:00", "minutes": "50"}),
        ("/change", {"version": "0", "start": "2026-01-06T10:00", "minutes": ""}),
        ("/cancel", {"version": "0", "scope": "sideways"}),
    ],
)
def test_hostile_appointment_input_is_a_message_not_a_500(signed_in, world, services, path, data):
    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services))
    data = {k: v.replace("{maya}", str(world.people["maya"])) for k, v in data.items()}
    response = lee.post(f"/appointments/{aid}{path}", data, htmx=True)
    assert response.status_code == 422, response.text
    assert response.text.lstrip().startswith('<div id="appointment"')
    assert "<script>alert" not in response.text


def test_booking_form_with_a_foreign_or_malformed_case(signed_in, world, services):
    kim = signed_in("kim")
    for case in ("garbage", str(world.cases["couple"]), "00000000-0000-0000-0000-000000000000"):
        form = kim.get(f"/schedule/new?case={case}&start=2026-01-06T10:00")
        assert form.status_code == 200
        assert "Choose one of the cases in the list." in form.text
        assert "Maya &amp; Sam" not in form.text
    everyone = signed_in("pat").get("/schedule?who=all")
    assert "Everyone you work with" in everyone.text
