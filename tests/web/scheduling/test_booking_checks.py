"""The booking form asks before Book: a date more than 18 months ahead, and a participant
expected elsewhere at that time, each need a deliberate tick, which the server enforces; the
check runs as the fields change (htmx) and, without JavaScript, on Book."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.cases.kinds import CaseKind
from core.services import cases
from tests.web.scheduling.test_schedule import book_couple
from tests.web.scheduling.test_schedule import services as services


@pytest.fixture
def sam_alone(world):
    """Sam's own case with Dr. Kim, while the couple's session is booked at 10:00 (opened by
    the owner: Sam is not yet someone Dr. Kim may see)."""
    kim = world.staff["kim"]
    return asyncio.run(
        cases.open_case(
            world.practice.deps,
            world.staff["owner"],
            cases.OpenCase(
                kind=CaseKind.INDIVIDUAL,
                name="Sam alone",
                responsible_provider_id=kim.id,
                participants=(cases.Participant(person_id=world.people["sam"]),),
            ),
        )
    )


def _sam_at_1030(sam_alone, services, **more):
    return {
        "case_id": str(sam_alone),
        "start": "2026-01-06T10:30",
        "service_id": services["Couple 50"],
        **more,
    }


def test_a_participants_other_session_shows_before_book_and_booking_anyway_is_deliberate(
    signed_in, world, services, sam_alone
):
    assert book_couple(signed_in("lee"), world, services).status_code == 303
    kim = signed_in("kim")
    # As the fields change, htmx asks: the warning and the box come before Book.
    checked = kim.post("/schedule/new/check", _sam_at_1030(sam_alone, services), htmx=True)
    assert checked.status_code == 200
    assert "Sam Chen has another appointment at Tue 06 Jan 2026 10:00." in checked.text
    assert 'name="despite_overlaps"' in checked.text
    assert "Maya" not in checked.text  # the other case is not named
    # The form opened on that slot shows it too, before anything is typed.
    form = kim.get(f"/schedule/new?case={sam_alone}&start=2026-01-06T10:30")
    assert "Sam Chen has another appointment" in form.text
    assert form.text.index("Sam Chen has another") < form.text.index(">Book</button>")
    # Book without the tick: refused, the form back with the warning and the box (no JS).
    refused = kim.post("/schedule/new", _sam_at_1030(sam_alone, services))
    assert refused.status_code == 422
    assert "Tick this to book anyway" in refused.text and 'name="despite_overlaps"' in refused.text
    assert "/appointments/" not in refused.headers.get("location", "")
    # Ticked: booked (and the appointment page says it once more).
    booked = kim.post("/schedule/new", _sam_at_1030(sam_alone, services, despite_overlaps="on"))
    assert booked.status_code == 303
    assert "Sam Chen has another appointment" in kim.get(booked.headers["location"]).text


def test_a_date_more_than_18_months_ahead_is_confirmed_not_taken_silently(
    signed_in, world, services
):
    lee = signed_in("lee")
    far = {"start": "2062-01-06T10:00"}
    checked = lee.post(
        "/schedule/new/check",
        {"case_id": str(world.cases["couple"]), "service_id": services["Couple 50"], **far},
        htmx=True,
    )
    assert "Friday 6 January 2062" in checked.text and 'name="far_ahead_confirmed"' in checked.text
    refused = book_couple(lee, world, services, **far)
    assert refused.status_code == 422
    assert "Tick this to book on that date" in refused.text
    assert "more than 18 months from today" in refused.text
    booked = book_couple(lee, world, services, far_ahead_confirmed="on", **far)
    assert booked.status_code == 303
    # 18 months ahead to the day is not asked about.
    near = book_couple(lee, world, services, start="2027-07-05T10:00")
    assert near.status_code == 303, near.text


def test_the_check_of_an_incomplete_or_foreign_form_is_empty_never_an_error(
    signed_in, world, services
):
    kim = signed_in("kim")
    for data in (
        {},
        {"case_id": "garbage", "start": "2026-01-06T10:00"},
        {"case_id": str(world.cases["couple"]), "start": "2062-01-06T10:00"},  # not Kim's
        {"case_id": str(world.cases["couple"]), "start": "2026-02-30T10:00"},
    ):
        checked = kim.post("/schedule/new/check", data, htmx=True)
        assert checked.status_code == 200 and checked.text.strip() == "", data
    assert kim.post("/schedule/new/check", {}, csrf=False).status_code == 403


def test_booking_form_words_one_date_format_and_limits_that_agree(signed_in, world, services):
    lee = signed_in("lee")
    bad_date = book_couple(lee, world, services, start="2026-13-45T10:00")
    assert bad_date.status_code == 422
    assert "Enter the whole date and time." in bad_date.text and "YYYY" not in bad_date.text
    too_many = book_couple(lee, world, services, repeat="on", count="300")
    assert too_many.status_code == 422 and "Enter a number from 1 to 260." in too_many.text
    assert 'max="260"' in too_many.text and "1 to 260." in too_many.text
    too_long = book_couple(lee, world, services, minutes="900")
    assert too_long.status_code == 422 and "Enter a number from 5 to 720." in too_long.text
    form = lee.get(f"/schedule/new?case={world.cases['couple']}&start=2026-01-06T10:00")
    assert "YYYY" not in form.text and "1 to 1000" not in form.text
