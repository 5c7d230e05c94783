"""The case page's booking and coding panel: change the usual service and the identified
client, with and without JavaScript; refusals next to the field; strangers see nothing."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.cases.kinds import ServiceLine
from core.services import scheduling as s
from tests.web.scheduling.test_schedule import services as two_services  # noqa: F401


@pytest.fixture
def services(container, world, two_services):  # noqa: F811
    """The two services of the scheduling tests and a second psychotherapy one."""
    family = asyncio.run(
        s.create_service(
            container.scheduling_deps(),
            world.staff["owner"],
            s.CreateService(
                name="Family 50",
                service_line=ServiceLine.PSYCHOTHERAPY,
                minutes=50,
                fee_minor=15000,
                billing_code="90847",
            ),
        )
    )
    return {**two_services, "Family 50": str(family)}


def test_the_usual_service_changes_on_the_case_page_and_the_booking_form_follows(
    signed_in, world, services
):
    lee = signed_in("lee")
    couple = world.cases["couple"]
    panel = lee.get(f"/cases/{couple}/defaults", htmx=True)
    assert panel.status_code == 200 and 'id="case-defaults"' in panel.text
    assert "Identified client" in panel.text
    changed = lee.post(
        f"/cases/{couple}/defaults/usual-service",
        {"service_id": services["Family 50"]},
        htmx=True,
    )
    assert changed.status_code == 200 and "Family 50" in changed.text
    form = lee.get(f"/schedule/new?case={couple}&start=2026-01-06T10:00")
    assert f'<option value="{services["Family 50"]}" selected>' in form.text
    # Without JavaScript: a redirect to the case page, which loads the panel.
    plain = lee.post(f"/cases/{couple}/defaults/usual-service", {"service_id": ""})
    assert plain.status_code == 303 and plain.headers["location"].startswith(f"/cases/{couple}")
    assert (
        "none: the booking form offers the last service booked"
        in lee.get(f"/cases/{couple}/defaults").text
    )
    assert f'hx-get="/cases/{couple}/defaults"' in lee.get(f"/cases/{couple}").text


def test_a_refused_default_is_a_message_next_to_its_field(signed_in, world, services):
    lee = signed_in("lee")
    couple = world.cases["couple"]
    for data, field in (
        ({"service_id": "not-a-service"}, "service_id"),
        ({"service_id": "00000000-0000-0000-0000-000000000000"}, "service_id"),
        ({"identified_client_id": str(world.people["ada"])}, "identified_client_id"),
        ({"identified_client_id": "<script>"}, "identified_client_id"),
    ):
        path = "usual-service" if "service_id" in data else "identified-client"
        refused = lee.post(f"/cases/{couple}/defaults/{path}", data, htmx=True)
        assert refused.status_code == 422, (data, refused.text)
        assert f'id="defaults-{field}"' in refused.text and 'aria-invalid="true"' in refused.text
        assert "<script>" not in refused.text


def test_the_identified_client_is_named_and_a_stranger_sees_no_panel(signed_in, world):
    lee = signed_in("lee")
    couple = world.cases["couple"]
    named = lee.post(
        f"/cases/{couple}/defaults/identified-client",
        {"identified_client_id": str(world.people["sam"])},
        htmx=True,
    )
    assert named.status_code == 200
    assert '<dd id="identified-client">Sam Chen</dd>' in named.text
    assert "Sam Chen is the identified client." in lee.get(f"/cases/{couple}").text
    kim = signed_in("kim")
    assert kim.get(f"/cases/{couple}/defaults").status_code == 404
    refused = kim.post(f"/cases/{couple}/defaults/identified-client", {"identified_client_id": ""})
    assert refused.status_code == 404
