"""The case screens, as full pages and as htmx fragments, driven through the real app."""

from __future__ import annotations

import re

from tests.web.conftest import World


def _ids(html: str, name: str) -> list[str]:
    """Values of the inputs or options called `name` in a page."""
    return re.findall(rf'name="{name}"[^>]*value="([^"]+)"', html)


def test_case_list_shows_the_caseload_and_filters_in_place(signed_in, world: World):
    lee = signed_in("lee")
    page = lee.get("/cases")
    assert page.status_code == 200
    assert "<main" in page.text and "Maya &amp; Sam" in page.text
    assert "Riverside consultation group" in page.text
    assert "Okafor family" in page.text  # Lee supervises Ash, who treats the family
    assert "Okafor family" not in signed_in("kim").get("/cases").text

    fragment = lee.get("/cases?kind=consultation_group", htmx=True)
    assert fragment.status_code == 200
    assert "<main" not in fragment.text
    assert "Riverside consultation group" in fragment.text
    assert "Maya &amp; Sam" not in fragment.text

    by_person = lee.get("/cases?q=sam", htmx=True)
    assert "Maya &amp; Sam" in by_person.text and "Riverside" not in by_person.text
    mine = lee.get("/cases?mine=on&status=intake", htmx=True)
    assert "Maya &amp; Sam" in mine.text


def test_case_list_refuses_a_bad_filter_next_to_the_field(signed_in, world: World):
    kim = signed_in("kim")
    refused = kim.get(f"/cases?clinician={world.staff['lee'].id}", htmx=True)
    assert refused.status_code == 422
    assert "your own cases" in refused.text
    bad_kind = kim.get("/cases?kind=hovercraft")
    assert bad_kind.status_code == 422
    assert "Choose a kind of case from the list." in bad_kind.text


def test_case_list_pages_through_many_cases(signed_in, world: World):
    import asyncio

    from core.domain.cases.kinds import CaseKind

    practice, kim = world.practice, world.staff["kim"]

    async def many() -> None:
        for n in range(55):
            person = await practice.person(f"Client {n:02d}")
            await practice.open(kim, CaseKind.INDIVIDUAL, person)

    asyncio.run(many())
    browser = signed_in("kim")
    first = browser.get("/cases")
    assert "55 cases, page 1 of 2" in first.text
    assert "Client 49" in first.text and "Client 50" not in first.text
    second = browser.get("/cases?page=2", htmx=True)
    assert "Client 50" in second.text and "Client 49" not in second.text
    assert "Previous page" in second.text


def test_case_list_counts_up_to_200_and_pages_on(signed_in, world: World):
    """Past 200 cases the list says "200+" instead of counting every case, and still pages."""
    import asyncio

    from core.domain.cases.kinds import CaseKind

    practice, kim = world.practice, world.staff["kim"]

    async def many() -> None:
        for n in range(205):
            person = await practice.person(f"Client {n:03d}")
            await practice.open(kim, CaseKind.INDIVIDUAL, person)

    asyncio.run(many())
    browser = signed_in("kim")
    first = browser.get("/cases")
    assert "200+ cases, page 1<" in first.text
    assert 'rel="next"' in first.text
    fifth = browser.get("/cases?page=5", htmx=True)
    assert "205 cases, page 5 of 5" in fifth.text  # counted this far: the whole number
    assert "Client 204" in fifth.text and 'rel="next"' not in fifth.text
    found = browser.get("/cases?q=client+19", htmx=True)
    assert "10 cases<" in found.text


def test_new_couple_with_new_partners_and_a_payer(signed_in, world: World):
    lee = signed_in("lee")
    assert "New couple" in lee.get("/cases/new").text
    form = lee.get("/cases/new/couple")
    assert form.status_code == 200
    assert "Partner 1: name" in form.text and "Partner 3: name" not in form.text
    created = lee.post(
        "/cases/new/couple",
        {
            "name": "Noor & Eli",
            "provider": str(world.staff["lee"].id),
            "status": "active",
            "new_1_name": "Noor Haddad",
            "new_1_email": "noor@example.org",
            "new_2_name": "Eli Stone",
            "payer": "new_2",
        },
    )
    assert created.status_code == 303, created.text
    page = lee.get(created.headers["location"])
    assert page.status_code == 200
    text = page.text
    assert "Noor &amp; Eli" in text and "Noor Haddad" in text and "Eli Stone" in text
    assert re.search(r"Eli Stone</a></td>\s*<td>whole case", text)


def test_a_refused_new_case_registers_nobody_and_keeps_what_was_typed(signed_in, world: World):
    """A second client is refused in one unit of work: the new person typed is not in the
    directory afterwards, the form keeps them typed, and the retry registers them once."""
    lee = signed_in("lee")
    maya = str(world.people["maya"])
    refused = lee.post(
        "/cases/new/individual",
        {
            "provider": str(world.staff["lee"].id),
            "status": "intake",
            "existing": maya,
            "new_1_name": "Second Client",
        },
    )
    assert refused.status_code == 422
    assert "at most" in refused.text or "limit" in refused.text or "full" in refused.text.lower()
    assert _ids(refused.text, "existing") == [maya]
    assert 'name="new_1_name" type="text" value="Second Client"' in refused.text
    assert "Second Client</a>" not in lee.get("/people?q=Second+Client").text
    # Retrying with only the new person works, and "Second Client" exists once.
    retry = lee.post(
        "/cases/new/individual",
        {"provider": str(world.staff["lee"].id), "status": "intake", "new_1_name": "Second Client"},
    )
    assert retry.status_code == 303
    people = lee.get("/people?q=Second+Client")
    assert people.text.count("Second Client</a>") == 1


def test_new_case_form_errors_sit_next_to_their_field(signed_in, world: World):
    lee = signed_in("lee")
    missing = lee.post("/cases/new/group", {"status": "intake", "capacity": "0"})
    assert missing.status_code == 422
    assert 'id="provider-error"' in missing.text
    bad_capacity = lee.post(
        "/cases/new/group",
        {"status": "intake", "capacity": "0", "provider": str(world.staff["lee"].id)},
    )
    assert bad_capacity.status_code == 422
    assert 'id="capacity-error">Enter a number from 1 to 500.' in bad_capacity.text
    assert lee.get("/cases/new/submarine").status_code == 404


def test_case_page_full_and_fragment(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    page = lee.get(url)
    assert page.status_code == 200
    assert "<h1>Maya &amp; Sam</h1>" in page.text
    assert "Partners" in page.text and "Add a partner" in page.text
    assert "Diagnoses" in page.text  # psychotherapy, and Lee treats it
    fragment = lee.get(url, htmx=True)
    assert fragment.status_code == 200
    assert (
        fragment.text.lstrip().startswith('<div id="case-panels"') or "<html" not in fragment.text
    )
    history = lee.get(url + "/history")
    assert "Opened as a couple case" in history.text
    assert "Opened as a couple case" in lee.get(url + "/history", htmx=True).text


def test_consultation_case_has_no_clinical_panel(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['consultation']}"
    page = lee.get(url)
    assert page.status_code == 200
    assert "consultation group" in page.text and "Consultees" in page.text
    assert "Diagnoses" not in page.text and "Clinical record" not in page.text
    assert lee.get(url + "/clinical").status_code == 404
    refused = lee.post(
        url + "/diagnoses",
        {"person_id": str(world.people["maya"]), "code": "F43.2"},
        htmx=True,
    )
    assert refused.status_code in (404, 422)
    assert "F43.2" not in lee.get(url).text


def test_membership_changes_update_the_panels_in_place(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['family']}"
    # Lee supervises the family: he may read it but not change it.
    assert lee.post(url + "/members", {"person_id_new_name": "Gran"}, htmx=True).status_code == 403
    ash = signed_in("ash")
    added = ash.post(
        url + "/members",
        {"person_id_new_name": "Grace Okafor", "role": "caregiver", "joined_on": "2026-03-02"},
        htmx=True,
    )
    assert added.status_code == 200, added.text
    assert "<html" not in added.text and 'id="case-panels"' in added.text
    assert "Grace Okafor" in added.text and "caregiver" in added.text
    assert "joined as caregiver on 2026-03-02" in added.text  # the history updated too

    membership = re.search(r"/members/([0-9a-f-]{36})/end", added.text)
    assert membership is not None
    bad_day = ash.post(
        f"{url}/members/{membership.group(1)}/end", {"left_on": "2025-01-01"}, htmx=True
    )
    assert bad_day.status_code == 422
    assert "cannot end on 2025-01-01" in bad_day.text
    ended = ash.post(f"{url}/members/{membership.group(1)}/end", {"left_on": ""}, htmx=True)
    assert ended.status_code == 200
    assert "Before (or not started yet)" in ended.text


def test_a_refused_new_partner_is_not_registered_and_stays_typed(signed_in, world: World):
    """One intent, one unit of work: a third partner refused leaves the directory as it was."""
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    refused = lee.post(url + "/members", {"person_id_new_name": "Third Partner"}, htmx=True)
    assert refused.status_code == 422
    assert "at most 2" in refused.text
    assert 'value="Third Partner"' in refused.text  # what was typed, to retry or correct
    assert "<details open>" in refused.text
    assert "Third Partner</a>" not in lee.get("/people?q=Third+Partner").text


def test_plain_form_post_redirects_back_without_javascript(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    renamed = lee.post(url + "/name", {"name": "Maya and Sam"})
    assert renamed.status_code == 303
    assert renamed.headers["location"] == url + "#case"
    assert "<h1>Maya and Sam</h1>" in lee.get(url).text
    refused = lee.post(url + "/name", {"name": "   "})
    assert refused.status_code == 422
    assert "<html" in refused.text and "Case name is required." in refused.text


def test_team_billing_communication_helpers_and_diagnoses(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    kim_id = str(world.staff["kim"].id)
    team = lee.post(url + "/staff", {"duty": "co_therapist", "staff_id": kim_id}, htmx=True)
    assert team.status_code == 200 and "Dr. Kim" in team.text
    duty = re.search(r"/staff/([0-9a-f-]{36})/end", team.text)
    assert duty is not None
    assert lee.post(f"{url}/staff/{duty.group(1)}/end", {}, htmx=True).status_code == 200

    clinic = f"organization:{world.organizations['clinic']}"
    payer = lee.post(
        url + "/payers",
        {"payer": clinic, "covers": str(world.people["maya"]), "share_percent": "50"},
        htmx=True,
    )
    assert payer.status_code == 200, payer.text
    assert "Riverside Clinic" in payer.text and "50%" in payer.text
    bad_share = lee.post(url + "/payers", {"payer": clinic, "share_percent": "150"}, htmx=True)
    assert bad_share.status_code == 422 and "from 1 to 100" in bad_share.text
    responsibility = re.findall(r"/payers/([0-9a-f-]{36})/end", payer.text)
    assert responsibility
    ended = lee.post(f"{url}/payers/{responsibility[0]}/end", {}, htmx=True)
    assert ended.status_code == 200

    comm = lee.post(
        url + "/communication",
        {
            "person_id": str(world.people["sam"]),
            "channel": "email",
            "reminders": "on",
            "invoices": "on",
            "portal_access": "on",
        },
        htmx=True,
    )
    assert comm.status_code == 200
    assert re.search(
        r"<td>Sam Chen</td><td>email</td><td>yes</td><td>yes</td><td>no</td>", comm.text
    )
    no_sms = lee.post(
        url + "/communication",
        {"person_id": str(world.people["maya"]), "channel": "sms", "reminders": "on"},
        htmx=True,
    )
    assert no_sms.status_code == 422 and "consent to SMS" in no_sms.text

    helper = lee.post(
        url + "/helpers",
        {
            "helper_id_new_name": "Rosa Rivera",
            "kind": "scheduling_helper",
            "for_person_id": str(world.people["maya"]),
        },
        htmx=True,
    )
    assert helper.status_code == 200, helper.text
    assert "Rosa Rivera" in helper.text and "scheduling helper" in helper.text
    role = re.search(r"/helpers/([0-9a-f-]{36})/end", helper.text)
    assert role is not None
    assert lee.post(f"{url}/helpers/{role.group(1)}/end", {}, htmx=True).status_code == 200

    diagnosis = lee.post(
        url + "/diagnoses",
        {"person_id": str(world.people["maya"]), "code": "F43.23", "description": "Adjustment"},
        htmx=True,
    )
    assert diagnosis.status_code == 200, diagnosis.text
    assert "F43.23" in diagnosis.text
    clinical = lee.get(url + "/clinical")
    assert clinical.status_code == 200 and "F43.23" in clinical.text
    dx = re.search(r"/diagnoses/([0-9a-f-]{36})/end", diagnosis.text)
    assert dx is not None
    assert lee.post(f"{url}/diagnoses/{dx.group(1)}/end", {}, htmx=True).status_code == 200
    fragment = lee.get(url + "/clinical", htmx=True)
    assert "<html" not in fragment.text and "ended" in lee.get(url + "/history").text


def test_status_close_and_reopen(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    active = lee.post(url + "/status", {"status": "active"}, htmx=True)
    assert active.status_code == 200 and "status-active" in active.text
    back = lee.post(url + "/status", {"status": "intake"}, htmx=True)
    assert back.status_code == 422 and "cannot go back to intake" in back.text
    closed = lee.post(url + "/close", {"closed_on": ""}, htmx=True)
    assert closed.status_code == 200 and "Reopen the couple" in closed.text
    early = lee.post(url + "/reopen", {"reopened_on": "2026-01-05"}, htmx=True)
    assert early.status_code == 422 and "reopen it after that day" in early.text
    reopened = lee.post(url + "/reopen", {"reopened_on": "2026-01-06"}, htmx=True)
    assert reopened.status_code == 200 and "Close the couple" in reopened.text


def test_group_capacity(signed_in, world: World):
    lee = signed_in("lee")
    created = lee.post(
        "/cases/new/group",
        {
            "name": "Tuesday DBT skills",
            "provider": str(world.staff["lee"].id),
            "status": "active",
            "capacity": "8",
        },
    )
    assert created.status_code == 303
    url = created.headers["location"]
    assert "capacity 8" in lee.get(url).text
    changed = lee.post(url + "/capacity", {"capacity": "6"}, htmx=True)
    assert changed.status_code == 200 and "capacity 6" in changed.text


def test_new_family_paid_by_a_parent_who_is_not_a_participant(signed_in, world: World):
    lee = signed_in("lee")
    form = {
        "name": "Adeyemi family",
        "provider": str(world.staff["lee"].id),
        "status": "active",
        "new_1_name": "Funmi Adeyemi",
        "new_role_1": "parent",
        "payer": "new_payer",
        "payer_name": "",
    }
    nameless = lee.post("/cases/new/family", form)
    assert nameless.status_code == 422
    assert 'id="payer_name-error">Enter the name of the person who pays.' in nameless.text
    # Nobody was registered (one unit of work); what was typed is kept for the retry.
    assert _ids(nameless.text, "existing") == []
    assert 'name="new_1_name" type="text" value="Funmi Adeyemi"' in nameless.text
    assert re.search(r'<option value="parent" selected>', nameless.text)  # role kept
    assert "Funmi Adeyemi</a>" not in lee.get("/people?q=Adeyemi").text
    created = lee.post("/cases/new/family", {**form, "payer_name": "Tunde Adeyemi"})
    assert created.status_code == 303, created.text
    page = lee.get(created.headers["location"]).text
    assert re.search(r"Tunde Adeyemi</a></td>\s*<td>whole case", page)
    assert re.search(r"Funmi Adeyemi</a></td>\s*<td>parent", page)
    assert not re.search(r"Tunde Adeyemi</a></td>\s*<td>(family member|parent)", page)
