"""Input at the edges of the schedule over HTTP: extreme dates, units beyond the core's limit,
digits that are not ASCII, and who may confirm codes. Each is a message, never a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.web.scheduling.test_schedule import appointment_id, book_couple, services  # noqa: F401

EXTREME = "Choose a date from 1900-01-01 to 2199-12-31."


@pytest.mark.parametrize(
    "query",
    [
        "start=9999-12-31",
        "start=9999-12-31&view=day",
        "start=0001-01-01&view=day",
        "start=0001-01-01",
        "start=1899-12-31&view=day",
    ],
)
def test_the_calendar_at_extreme_dates_is_a_message(signed_in, world, query):
    lee = signed_in("lee")
    for htmx in (False, True):
        response = lee.get(f"/schedule?{query}", htmx=htmx)
        assert response.status_code == 422, response.text
        assert EXTREME in response.text


def test_the_calendar_at_the_last_supported_week_works(signed_in, world):
    response = signed_in("lee").get("/schedule?start=2199-12-31")
    assert response.status_code == 200
    assert "start=2200-01-06" in response.text  # "next" leads to a refusal, not a 500


@pytest.mark.parametrize(
    "query,message",
    [
        ("from=0001-01-01&to=9999-12-31", EXTREME),
        ("from=2026-01-01&to=9999-12-31", EXTREME),
        ("from=2020-01-01&to=2026-01-01", "The attendance grid shows up to 366 days"),
    ],
)
def test_the_case_schedule_at_extreme_or_long_ranges_is_a_message(signed_in, world, query, message):
    lee = signed_in("lee")
    response = lee.get(f"/cases/{world.cases['couple']}/schedule?{query}", htmx=True)
    assert response.status_code == 422, response.text
    assert message in response.text
    fine = lee.get(f"/cases/{world.cases['couple']}/schedule?from=2026-01-01&to=2026-06-30")
    assert fine.status_code == 200


@pytest.mark.parametrize("start", ["9999-12-31T23:30", "0001-01-01T00:00", "2200-01-01T10:00"])
def test_booking_at_an_extreme_date_is_a_message_next_to_start(signed_in, world, services, start):  # noqa: F811
    response = book_couple(signed_in("lee"), world, services, start=start)
    assert response.status_code == 422, response.text
    assert 'id="book-start-error"' in response.text and EXTREME in response.text


def test_changing_to_an_extreme_date_is_a_message(signed_in, world, services):  # noqa: F811
    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services))
    response = lee.post(
        f"/appointments/{aid}/change",
        {
            "version": "0",
            "start": "9999-12-31T23:30",
            "minutes": "50",
            "service_id": services["Couple 50"],
        },
        htmx=True,
    )
    assert response.status_code == 422, response.text
    assert EXTREME in response.text


def completed_session(signed_in, world, services, container):  # noqa: F811
    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services))
    container.clock().set(datetime(2026, 1, 6, 11, 0, tzinfo=UTC))
    lee = signed_in("lee")
    for partner in ("maya", "sam"):  # both partners: 90847, nothing to ask
        done = lee.post(
            f"/appointments/{aid}/attendance",
            {"person_id": str(world.people[partner]), "mark": "attended"},
            htmx=True,
        )
        assert done.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', done.text).group(1)
    return lee, aid, version


@pytest.mark.parametrize(
    "codes,message",
    [
        ("90853 x25", "Units are a number from 1 to 20."),  # the core's limit, not the web's
        ("90853 x²", "Write codes like 90847"),
        ("90853 x\u0661\u0662", "Write codes like 90847"),
        ("90853 x" + "9" * 5000, "Write codes like 90847"),
        ("90853 3", "Write codes like 90847"),
        ("12345", "not a code Hearth knows"),
    ],
)
def test_own_codes_beyond_the_rules_are_a_message_next_to_the_codes(
    signed_in,
    world,
    services,  # noqa: F811
    container,
    codes,
    message,
):
    lee, aid, version = completed_session(signed_in, world, services, container)
    response = lee.post(
        f"/appointments/{aid}/codes",
        {"version": version, "choice": "own", "codes": codes},
        htmx=True,
    )
    assert response.status_code == 422, response.text
    assert 'id="codes-codes-error"' in response.text
    assert message in response.text
    ok = lee.post(
        f"/appointments/{aid}/codes",
        {"version": version, "choice": "own", "codes": "90847, 90846 x2"},
        htmx=True,
    )
    assert ok.status_code == 200 and "Confirmed:" in ok.text


def test_the_administrator_sees_codes_but_the_clinician_confirms_them(
    signed_in,
    world,
    services,  # noqa: F811
    container,
):
    lee, aid, version = completed_session(signed_in, world, services, container)
    pat = signed_in("pat")
    page = pat.get(f"/appointments/{aid}")
    assert page.status_code == 200
    assert "Suggested:" in page.text and "Confirm the suggestion" not in page.text
    refused = pat.post(f"/appointments/{aid}/codes", {"version": version, "choice": "suggested"})
    assert refused.status_code == 403
    assert "Only the clinicians treating this case" in refused.text
    assert "Confirm the suggestion" in lee.get(f"/appointments/{aid}").text


@pytest.mark.parametrize("payer", ["new_²", "new_\u0661", "new_" + "9" * 5000, "new_x"])
def test_a_new_case_payer_row_that_is_not_ascii_digits_is_a_message(signed_in, world, payer):
    response = signed_in("lee").post(
        "/cases/new/individual",
        {
            "provider": str(world.staff["lee"].id),
            "status": "intake",
            "new_1_name": "Noor Haddad",
            "payer": payer,
        },
    )
    assert response.status_code == 422, response.text
    assert "That new participant has no name." in response.text
