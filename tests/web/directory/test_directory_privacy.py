"""HIPAA minimum necessary on the screens: People and the pickers list only the people of one's
cases; a new person like a hidden client is refused without naming them, and the owner links
the existing person instead; a minor's individual case names the representative and the payer
in one step; the case page's head."""

from __future__ import annotations

import re
from datetime import date

from tests.web.conftest import World
from tests.web.scheduling.test_schedule import appointment_id, book_couple, services  # noqa: F401

NAMES = re.compile(r'<a href="/people/[0-9a-f-]{36}">([^<]+)</a>')


def test_a_clinician_finds_only_people_of_her_cases_in_people_and_every_picker(
    signed_in, world: World
):
    kim = signed_in("kim")
    assert NAMES.findall(kim.get("/people").text) == []
    assert "Sam Chen" not in kim.get("/people?q=sam").text
    for mode in ("participant", "member", "payer", "helper", "representative"):
        picker = kim.get(f"/people/options?for={mode}&q=sam", htmx=True)
        assert picker.status_code == 200 and "Sam Chen" not in picker.text, mode
        assert "Nobody in the directory matches" in picker.text
    lee = signed_in("lee")
    assert "Sam Chen" in lee.get("/people/options?for=payer&q=sam", htmx=True).text
    # An id of another clinician's client kept in a form names nobody either.
    sam = world.people["sam"]
    form = kim.get(f"/cases/new/individual?existing={sam}")
    assert "Sam Chen" not in form.text


def test_a_new_person_like_a_hidden_client_is_refused_naming_nobody(signed_in, world: World):
    kim = signed_in("kim")
    refused = kim.post("/people/new", {"legal_name": "S. Chen", "email": "sam@example.org"})
    assert refused.status_code == 422
    assert "already a client of the practice" in refused.text
    assert "ask the practice owner" in refused.text
    assert "Sam Chen" not in refused.text and "Maya" not in refused.text
    # The same refusal when the new case's form enters them, and nobody is registered.
    case = kim.post(
        "/cases/new/individual",
        {
            "provider": str(world.staff["kim"].id),
            "status": "active",
            "new_1_name": "Sam C",
            "new_1_email": "sam@example.org",
        },
    )
    assert case.status_code == 422 and "already a client of the practice" in case.text
    assert "Sam Chen" not in case.text
    assert NAMES.findall(signed_in("owner").get("/people?q=sam").text) == ["Sam Chen"]


def test_the_owner_links_the_existing_person_to_another_clinicians_case(signed_in, world):
    kim, owner = signed_in("kim"), signed_in("owner")
    opened = kim.post(
        "/cases/new/couple",
        {"provider": str(world.staff["kim"].id), "status": "active", "new_1_name": "Kit Ko"},
    )
    assert opened.status_code == 303, opened.text
    case = opened.headers["location"]
    sam = str(world.people["sam"])
    # Kim cannot add him by his id; the owner, who sees him, adds him in the case's role.
    assert kim.post(f"{case}/members", {"person_id": sam}).status_code == 422
    linked = owner.post(f"{case}/members", {"person_id": sam})
    assert linked.status_code == 303, linked.text
    page = kim.get(case).text
    assert "Sam Chen" in page
    assert "Sam Chen" in kim.get("/people?q=sam").text
    history = kim.get(f"{case}/history").text
    assert "Sam Chen" in history and "Dr. Ana Owner" in history


def test_a_minors_individual_case_names_representative_and_payer_in_one_step(
    signed_in, world: World
):
    lee = signed_in("lee")
    form = lee.get("/cases/new/individual").text
    assert "Representative" in form and "The representative pays" in form
    assert "Representative" not in lee.get("/cases/new/couple").text
    born = date(2011, 3, 2).isoformat()  # 14 on 5 January 2026
    typed = {
        "provider": str(world.staff["lee"].id),
        "status": "active",
        "new_1_name": "Tess Teen",
        "new_1_date_of_birth": born,
        "representative": "new",
        "representative_name": "",
        "payer": "representative",
    }
    nameless = lee.post("/cases/new/individual", typed)
    assert nameless.status_code == 422
    assert 'id="representative_name-error"' in nameless.text
    assert "Tess Teen</a>" not in lee.get("/people?q=tess").text  # one unit of work
    opened = lee.post(
        "/cases/new/individual",
        {**typed, "representative_name": "Mona Teen", "representative_email": "mona@ex.org"},
    )
    assert opened.status_code == 303, opened.text
    page = lee.get(opened.headers["location"]).text
    assert re.search(r"Tess Teen</a>\s*<span class=\"age\"[^>]*>14 yrs", page)
    assert re.search(r"Mona Teen</a></td>\s*<td>whole case", page)
    assert re.search(
        r"Mona Teen</a></td>\s*<td>Tess Teen</a>|Mona Teen.*representative", page, re.S
    )
    assert "has no representative named" not in page
    # The age shows in People and in the pickers too.
    assert re.search(r"Tess Teen</a>\s*<span class=\"age\"", lee.get("/people?q=tess").text)
    assert "14 yrs" in lee.get("/people/options?for=payer&q=tess", htmx=True).text
    # An existing representative picked from the directory, here Sam for a minor of Lee's.
    other = lee.post(
        "/cases/new/individual",
        {
            "provider": str(world.staff["lee"].id),
            "status": "active",
            "new_1_name": "Tom Teen",
            "new_1_date_of_birth": born,
            "representative": str(world.people["sam"]),
            "payer": "",
        },
    )
    assert other.status_code == 303, other.text
    page = lee.get(other.headers["location"]).text
    assert "Nobody pays for this case yet." in page
    assert "has no representative named" not in page


def test_the_case_head_shows_next_and_last_session_and_what_is_open(
    signed_in,
    world: World,
    services,  # noqa: F811
):
    lee = signed_in("lee")
    couple = f"/cases/{world.cases['couple']}"

    def glance() -> str:
        page = lee.get(couple).text
        start = page.index('id="at-a-glance"')
        return page[start : page.index("</section>", start)]

    assert "Nothing booked." in glance() and "No session yet." in glance()
    # The practice's clock stands at Monday 5 January 2026, 09:00.
    earlier = appointment_id(book_couple(lee, world, services, start="2026-01-05T07:00"))
    book_couple(lee, world, services, start="2026-01-13T10:00")
    now = glance()
    assert "Tue" in now and "13 Jan 2026" in now and "Maya Rivera" in now and "Sam Chen" in now
    assert "No session yet." in now  # held sessions only: nobody recorded the earlier one
    assert "1 past session without attendance" in now
    for person in ("maya", "sam"):
        marked = lee.post(
            f"/appointments/{earlier}/attendance",
            {"person_id": str(world.people[person]), "mark": "attended"},
        )
        assert marked.status_code in (200, 303), marked.text
    now = glance()
    assert "5 Jan 2026" in now and "completed" in now
    assert re.search(r"Maya Rivera <span class=\"mark mark-attended\">\(attended\)", now)
    assert "without attendance" not in now
    assert "1 session&#39;s billing codes not confirmed" in now


def test_the_panel_last_changed_stays_open_on_the_next_visit(signed_in, world: World):
    lee = signed_in("lee")
    couple = f"/cases/{world.cases['couple']}"
    opened = re.compile(r'<details class="panel" id="panel-([a-z]+)" open>')
    assert opened.findall(lee.get(couple).text) == ["participants"]
    changed = lee.post(
        f"{couple}/communication",
        {"person_id": world.people["maya"], "channel": "email", "reminders": "on"},
    )
    assert changed.status_code == 303, changed.text
    assert opened.findall(lee.get(couple).text) == ["communication"]
    # Remembered per staff member: Pat's page still opens on the participants.
    assert opened.findall(signed_in("pat").get(couple).text) == ["participants"]
