"""Hostile and careless input: escaped or refused with a clear message, never a 500."""

from __future__ import annotations

import uuid

import pytest

from tests.web.conftest import World

SCRIPT = '<script>alert("x")</script>'
LONG = "N" * 10_000


def test_script_in_names_is_escaped_everywhere(signed_in, world: World):
    lee = signed_in("lee")
    made = lee.post(
        "/cases/new/individual",
        {
            "name": SCRIPT,
            "provider": str(world.staff["lee"].id),
            "status": "intake",
            "new_1_name": SCRIPT + " Person",
            "new_1_email": "x@example.org",
        },
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    pages = [
        lee.get(url),
        lee.get(url, htmx=True),
        lee.get(url + "/history"),
        lee.get("/cases?q=script"),
        lee.get("/people?q=script", htmx=True),
        lee.get("/people/options?for=participant&kind=couple&q=script"),
        lee.get("/people/options?for=" + SCRIPT + "&q=" + SCRIPT),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[0].text


def test_ten_thousand_character_names_are_refused_next_to_the_field(signed_in, world: World):
    lee = signed_in("lee")
    person = lee.post("/people/new", {"legal_name": LONG})
    assert person.status_code == 422
    assert 'id="legal_name-error">Legal name must be at most 200 characters.' in person.text
    rename = lee.post(f"/cases/{world.cases['couple']}/name", {"name": LONG}, htmx=True)
    assert rename.status_code == 422
    assert 'id="rename-name-error">Case name must be at most 200 characters.' in rename.text
    new_case = lee.post(
        "/cases/new/couple",
        {"provider": str(world.staff["lee"].id), "status": "intake", "new_1_name": LONG},
    )
    assert new_case.status_code == 422
    assert 'id="new_1_name-error"' in new_case.text and "at most 200" in new_case.text
    member = lee.post(
        f"/cases/{world.cases['couple']}/members", {"person_id_new_name": LONG}, htmx=True
    )
    assert member.status_code == 422 and 'id="member-person_id_new_name-error"' in member.text
    org = lee.post("/organizations/new", {"name": LONG})
    assert org.status_code == 422 and "at most 200" in org.text
    staff = signed_in("owner").post(
        "/staff/new",
        {
            "name": LONG,
            "email": "long@hearth.test",
            "roles": "clinician",
            "licensure": "licensed",
        },
    )
    assert staff.status_code == 422 and "at most 200" in staff.text
    assert "N" * 300 not in lee.get("/people?q=NNNN").text


def test_a_huge_body_is_refused(signed_in, world: World):
    lee = signed_in("lee")
    from adapters.web.app import MAX_BODY

    response = lee.post("/people/new", {"legal_name": "x" * (MAX_BODY + 1)})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/cases/not-a-uuid",
        "/cases/{random}",
        "/cases/{random}/clinical",
        "/cases/{random}/history",
        "/people/{random}",
        "/people/12345",
        "/organizations/{random}",
        "/staff/{random}",
        "/staff/..%2F..%2Fetc",
    ],
)
def test_wrong_ids_are_404(signed_in, world: World, path):
    response = signed_in("owner").get(path.format(random=uuid.uuid4()))
    assert response.status_code == 404
    assert "Not found" in response.text


@pytest.mark.parametrize(
    "suffix",
    [
        "/members/{random}/end",
        "/staff/{random}/end",
        "/payers/{random}/end",
        "/helpers/{random}/end",
        "/members/nonsense/end",
    ],
)
def test_wrong_item_ids_are_404(signed_in, world: World, suffix):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}" + suffix.format(random=uuid.uuid4())
    assert lee.post(url, {}, htmx=True).status_code == 404
    assert lee.post(f"/cases/{uuid.uuid4()}/name", {"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("suffix", "field", "message"),
    [
        ("/name", "rename-name", "Case name is required."),
        ("/status", "status-status", "Choose a status."),
        ("/staff", "assign-duty", "Choose a responsibility."),
        ("/members", "", "Find the person in the directory or enter a new name."),
        ("/payers", "", "Find who pays in the directory or enter a new name."),
        ("/communication", "comm-person_id", "Choose a person."),
        ("/helpers", "helper-kind", "Choose a kind of help."),
        ("/diagnoses", "dx-person_id", "Choose the participant."),
    ],
)
def test_missing_fields_are_named(signed_in, world: World, suffix, field, message):
    lee = signed_in("lee")
    response = lee.post(f"/cases/{world.cases['couple']}{suffix}", {}, htmx=True)
    assert response.status_code == 422
    assert message in response.text
    if field:
        assert f'id="{field}-error"' in response.text


@pytest.mark.parametrize(
    "form",
    [
        {"staff_id": "not-an-id", "duty": "co_therapist"},
        {"staff_id": str(uuid.uuid4()), "duty": "co_therapist"},
        {"staff_id": "", "duty": "overlord"},
    ],
)
def test_nonsense_choices_are_refused_clearly(signed_in, world: World, form):
    lee = signed_in("lee")
    response = lee.post(f"/cases/{world.cases['couple']}/staff", form, htmx=True)
    assert response.status_code == 422
    assert "Choose" in response.text


def test_bad_dates_and_numbers(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    date = lee.post(url + "/close", {"closed_on": "31/12/2026"}, htmx=True)
    assert date.status_code == 422 and "Enter a date as YYYY-MM-DD." in date.text
    share = lee.post(
        url + "/payers",
        {"payer": f"person:{world.people['maya']}", "share_percent": "lots"},
        htmx=True,
    )
    assert share.status_code == 422 and "Enter a whole number." in share.text
    page = lee.get("/cases?page=-4")
    assert page.status_code == 422 and "Enter a number from 1" in page.text
