"""The permission matrix: every staff role against every route that takes an id. Allowed is a
2xx answer; a case the actor may not know of is a 404, one they may see but not change a 403.
The core decides; these tests prove that no screen bypasses it."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.billing_world import bill_january
from tests.web.conftest import World

OK = 200
ACTORS = ("owner", "lee", "kim", "ash", "pat")

# route -> (method, path after /cases/{id}, form)
ROUTES = {
    "page": ("GET", "", None),
    "clinical": ("GET", "/clinical", None),
    "history": ("GET", "/history", None),
    "rename": ("POST", "/name", {"name": "Renamed"}),
    "assign": ("POST", "/staff", {"duty": "co_therapist", "staff_id": "{kim}"}),
    "payer": ("POST", "/payers", {"payer": "person:{member}", "covers": "{member}"}),
    "diagnosis": ("POST", "/diagnoses", {"person_id": "{member}", "code": "F43.23"}),
    "clinical_diagnosis": (
        "POST",
        "/clinical/diagnoses",
        {"person_id": "{member}", "code": "F41.1", "primary": "on"},
    ),
    "plan": (
        "POST",
        "/clinical/plans",
        {
            "person_id": "{member}",
            "problems": "Sleep",
            "goal-1": "Sleep",
            "review_on": "2099-01-01",
        },
    ),
}

# Lee treats the couple; Pat administers for Lee; the owner does not read clinical records
# (HEARTH_OWNER_SEES_CLINICAL is off); Kim and Ash have nothing to do with it.
COUPLE = {
    "page": dict(owner=OK, lee=OK, kim=404, ash=404, pat=OK),
    "clinical": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
    "history": dict(owner=OK, lee=OK, kim=404, ash=404, pat=OK),
    "rename": dict(owner=OK, lee=OK, kim=404, ash=404, pat=OK),
    "assign": dict(owner=OK, lee=OK, kim=404, ash=404, pat=403),
    "payer": dict(owner=OK, lee=OK, kim=404, ash=404, pat=OK),
    "diagnosis": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
    "clinical_diagnosis": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
    "plan": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
}
# Ash (an associate) treats the family; Lee is Ash's default supervisor: he reads it, clinical
# records included, and changes nothing. Pat supports Lee only.
FAMILY = {
    "page": dict(owner=OK, lee=OK, kim=404, ash=OK, pat=404),
    "clinical": dict(owner=403, lee=OK, kim=404, ash=OK, pat=404),
    "history": dict(owner=OK, lee=OK, kim=404, ash=OK, pat=404),
    "rename": dict(owner=OK, lee=403, kim=404, ash=OK, pat=404),
    "assign": dict(owner=OK, lee=403, kim=404, ash=OK, pat=404),
    "payer": dict(owner=OK, lee=403, kim=404, ash=OK, pat=404),
    "diagnosis": dict(owner=403, lee=403, kim=404, ash=OK, pat=404),
    "clinical_diagnosis": dict(owner=403, lee=403, kim=404, ash=OK, pat=404),
    "plan": dict(owner=403, lee=403, kim=404, ash=OK, pat=404),
}
CASES = [
    pytest.param(case, route, actor, table[route][actor], id=f"{case}-{route}-{actor}")
    for case, table in (("couple", COUPLE), ("family", FAMILY))
    for route in ROUTES
    for actor in ACTORS
]


@pytest.mark.parametrize(("case", "route", "actor", "expected"), CASES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_case_routes(signed_in, world: World, case, route, actor, expected, htmx):
    browser = signed_in(actor)
    method, suffix, form = ROUTES[route]
    url = f"/cases/{world.cases[case]}{suffix}"
    member = world.people["maya" if case == "couple" else "ada"]
    fill = {"kim": world.staff["kim"].id, "maya": world.people["maya"], "member": member}
    if method == "GET":
        response = browser.get(url, htmx=htmx)
    else:
        data = {k: v.format(**fill) for k, v in (form or {}).items()}
        response = browser.post(url, data, htmx=htmx)
    if expected == OK and method == "POST" and not htmx:
        assert response.status_code == 303, response.text[:500]
    else:
        assert response.status_code == expected, response.text[:500]
    if expected == 404:
        assert "No such case." in response.text
    if expected != OK and method == "GET":
        assert "Maya" not in response.text and "Okafor" not in response.text


@pytest.mark.parametrize("actor", ACTORS)
def test_administrator_sees_no_clinical_panel(signed_in, world: World, actor):
    page = signed_in(actor).get(f"/cases/{world.cases['couple']}")
    if actor in ("kim", "ash"):
        assert page.status_code == 404
        return
    shows_clinical = "Diagnoses" in page.text
    assert shows_clinical is (actor == "lee")
    shows_billing = 'id="billing"' in page.text
    assert shows_billing is True


@pytest.mark.parametrize("actor", ACTORS)
def test_person_and_organization_pages_show_only_visible_cases(signed_in, world: World, actor):
    browser = signed_in(actor)
    sam = browser.get(f"/people/{world.people['sam']}")
    sees_couple = actor in ("owner", "lee", "pat")
    # A person's record follows their cases: staff who work with none of them find Sam in the
    # directory (a card to pick him) but cannot open his record.
    assert sam.status_code == (200 if sees_couple else 404)
    if sees_couple:
        assert "Sam Chen" in sam.text and "Maya &amp; Sam" in sam.text
        assert "partner" in sam.text and "payer" in sam.text
    # The directory lists only people of one's cases (HIPAA minimum necessary): nobody finds
    # a name there that they could not open.
    found = browser.get("/people?q=sam")
    assert ("Sam Chen" in found.text and "s•••@example.org" in found.text) is sees_couple
    assert "sam@example.org" not in found.text
    picker = browser.get("/people/options?for=payer&q=sam", htmx=True)
    assert ("Sam Chen" in picker.text) is sees_couple
    clinic = browser.get(f"/organizations/{world.organizations['clinic']}")
    assert clinic.status_code == 200
    assert ("Riverside consultation group" in clinic.text) is sees_couple


@pytest.mark.parametrize("actor", ACTORS)
def test_staff_pages_everyone_reads_only_the_owner_changes(signed_in, world: World, actor):
    browser = signed_in(actor)
    kim = world.staff["kim"]
    page = browser.get(f"/staff/{kim.id}")
    assert page.status_code == 200 and "Dr. Kim" in page.text
    assert (f'action="/staff/{kim.id}"' in page.text) is (actor == "owner")
    change = browser.post(
        f"/staff/{kim.id}",
        {
            "name": "Dr. Kim Park",
            "email": world.email("kim"),
            "roles": "clinician",
            "licensure": "licensed",
            "active": "on",
            "version": "0",
        },
    )
    assert change.status_code == (303 if actor == "owner" else 403)
    added = browser.post(
        "/staff/new",
        {
            "name": "New Person",
            "email": "new.person@hearth.test",
            "roles": "clinician",
            "licensure": "licensed",
        },
    )
    assert added.status_code == (303 if actor == "owner" else 403)


# The account buttons of the staff page: the owner's only (invitations, reset links, the
# second-factor policy and removing someone's factor); nobody sets another person's password.
ACCOUNT_ROUTES = {
    "reset-link": ("/staff/{kim}/reset-link", 303),
    "resend-invitation": ("/staff/{kim}/invitation", 422),  # Kim has accepted already
    "revoke-invitation": ("/staff/{kim}/invitation/revoke", 422),
    "remove-factor": ("/staff/{kim}/second-factor/reset", 303),
    "factor-policy": ("/staff/second-factor-policy", 303),
    "password-of-another": ("/staff/{kim}/password", 403),
}


@pytest.mark.parametrize("route", ACCOUNT_ROUTES)
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "kim"])
def test_account_routes_are_the_owners_alone(signed_in, world: World, actor, route):
    path, for_owner = ACCOUNT_ROUTES[route]
    answer = signed_in(actor).post(path.format(kim=world.staff["kim"].id))
    assert answer.status_code == (for_owner if actor == "owner" else 403)


def test_owner_reads_clinical_records_when_the_practice_says_so():
    import asyncio

    from dependency_injector import providers
    from litestar.testing import TestClient

    import bootstrap
    from adapters.system.passwords import Argon2PasswordHasher
    from tests.support.practice import Practice
    from tests.web.conftest import Browser, _seed

    settings = bootstrap.Settings(database_url="memory", owner_sees_clinical=True)
    container = bootstrap.make_container(settings)
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    practice = Practice(container.uow_factory())
    container.clock.override(providers.Object(practice.clock))
    world = asyncio.run(_seed(practice, container.password_hasher()))
    with TestClient(bootstrap.create_app(container)) as client:
        owner = Browser(client)
        owner.sign_in(world.email("owner"))
        url = f"/cases/{world.cases['couple']}"
        assert owner.get(url + "/clinical").status_code == 200
        assert "Diagnoses" in owner.get(url).text
        # Reading is not treating: writing stays with the case's clinicians.
        refused = owner.post(
            url + "/diagnoses", {"person_id": str(world.people["maya"]), "code": "F43.23"}
        )
        assert refused.status_code == 403


def test_only_staff_who_manage_a_persons_case_see_the_edit_form(signed_in, world: World):
    sam = f"/people/{world.people['sam']}"
    lee, owner = signed_in("lee"), signed_in("owner")
    assert "Edit details" in lee.get(sam).text and "Edit details" in owner.get(sam).text
    # Ada's supervisor reads her record through the associate's family case but does not run it.
    ada = f"/people/{world.people['ada']}"
    reader = lee.get(ada)
    assert reader.status_code == 200 and "Edit details" not in reader.text
    refused = lee.post(ada, {"legal_name": "Ada Changed", "version": "0"})
    assert refused.status_code == 403


# A treatment plan's own routes, on a plan Lee wrote for Maya in the couple: reading a version
# follows the clinical record (the owner and the administrator never see it), signing is
# writing. The code list is public reference data: every staff member may search it.
PLAN_ROUTES = {
    "plan_version": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
    "plan_sign": dict(owner=403, lee=OK, kim=404, ash=404, pat=403),
    "icd10": dict(owner=OK, lee=OK, kim=OK, ash=OK, pat=OK),
    "icd10_pick": dict(owner=OK, lee=OK, kim=OK, ash=OK, pat=OK),
}


@pytest.mark.parametrize(
    ("route", "actor", "expected"),
    [
        pytest.param(route, actor, table[actor], id=f"{route}-{actor}")
        for route, table in PLAN_ROUTES.items()
        for actor in ACTORS
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_plan_and_code_list_routes(signed_in, world: World, route, actor, expected, htmx):
    url = f"/cases/{world.cases['couple']}/clinical"
    lee = signed_in("lee")
    written = lee.post(
        url + "/plans",
        {
            "person_id": str(world.people["maya"]),
            "problems": "Secret problem words",
            "goal-1": "Secret goal words",
            "review_on": "2099-01-01",
        },
        htmx=True,
    )
    assert written.status_code == 200, written.text[:500]
    plan_id = written.text.split("/clinical/plans/")[1].split("/sign")[0]
    browser = signed_in(actor)
    if route == "plan_version":
        response = browser.get(f"{url}/plans/{plan_id}", htmx=htmx)
    elif route == "plan_sign":
        response = browser.post(f"{url}/plans/{plan_id}/sign", {"version": "0"}, htmx=htmx)
    elif route == "icd10":
        response = browser.get("/icd10?q=generalized+anxiety", htmx=htmx)
    else:
        response = browser.get("/icd10/pick?code=F41.1", htmx=htmx)
    if expected == OK and route == "plan_sign" and not htmx:
        assert response.status_code == 303, response.text[:500]
    else:
        assert response.status_code == expected, response.text[:500]
    if expected != OK:
        assert "Secret" not in response.text and "Maya" not in response.text
    if route.startswith("icd10") and expected == OK:
        assert "F41.1" in response.text


# Payments (a payer's account, the processor's card page, refunds, autopay, declines): the
# owner's and the administrators' only; a clinician sees paid / owed on the case, no details.
PAYMENT_ROUTES = {
    "account": ("GET", "", None),
    "card": ("GET", "/card", None),
    "record": (
        "POST",
        "/payments",
        {"token": "perm", "method": "cash", "amount": "1", "received_on": "2026-01-05"},
    ),
    "autopay": ("POST", "/autopay", {"version": "0"}),
}
PAYMENTS = dict(owner=True, lee=False, kim=False, ash=False, pat=True)


@pytest.mark.parametrize("route", PAYMENT_ROUTES)
@pytest.mark.parametrize("actor", ACTORS)
def test_payment_routes(signed_in, world: World, route, actor):
    browser = signed_in(actor)
    method, suffix, form = PAYMENT_ROUTES[route]
    url = f"/billing/payers/person/{world.people['sam']}{suffix}"
    answer = browser.get(url) if method == "GET" else browser.post(url, form)
    if not PAYMENTS[actor]:
        assert answer.status_code == 403
    else:  # allowed: the page, the saved change, or the form again with its message
        assert answer.status_code in (200, 303, 422), answer.status_code
    assert browser.get("/billing/payments/declined").status_code == (
        200 if PAYMENTS[actor] else 403
    )


# Billing (practice-wide money): the owner and the administrators; no clinician. An invoice id
# route answers 403 to a clinician whether or not the invoice exists (no id probing).
BILLING_ROUTES = {
    "invoices": ("GET", "/billing/invoices"),
    "invoice": ("GET", "/billing/invoices/{invoice}"),
    "pdf": ("GET", "/billing/invoices/{invoice}/pdf"),
    "unbilled": ("GET", "/billing/unbilled?month=2026-01"),
    "aging": ("GET", "/billing/aging"),
    "run": ("POST", "/billing/run"),
    "void": ("POST", "/billing/invoices/{invoice}/void"),
}
BILLING = dict(owner=OK, lee=403, kim=403, ash=403, pat=OK)


@pytest.mark.parametrize("route", BILLING_ROUTES)
@pytest.mark.parametrize("actor", ACTORS)
def test_billing_routes(signed_in, world: World, route, actor):
    invoice = asyncio.run(bill_january(world))
    method, path = BILLING_ROUTES[route]
    url = path.format(invoice=invoice)
    browser = signed_in(actor)
    if method == "GET":
        response = browser.get(url)
        assert response.status_code == BILLING[actor], response.text[:300]
    else:
        form = {"month": "2026-01", "version": "0", "reason": "Matrix"}
        response = browser.post(url, form)
        assert response.status_code == (303 if BILLING[actor] == OK else 403), response.text[:300]
    if BILLING[actor] != OK:
        assert "Sam Chen" not in response.text


# ----- documentation: every note route, every role (the notes of tests/web/documentation) -------

from tests.web.documentation.conftest import (  # noqa: E402  (the fixture, and what it wrote)
    FAMILY_TEXT,
    PRIVATE_TEXT,
    SIGNED_TEXT,
    notes,  # noqa: F401
)

# route -> (method, path with {appointment} {note} {draft} {empty} {member}, form)
NOTE_ROUTES = {
    "note-line": ("GET", "/appointments/{appointment}/note-line", None),
    "note-line-page": ("GET", "/appointments/{appointment}/note-line", None),
    "note": ("GET", "/notes/{note}", None),
    "note-person": ("GET", "/notes/{note}/people/{member}", None),
    "case-notes": ("GET", "/cases/{case}/notes", None),
    "case-timeline": ("GET", "/cases/{case}/notes?person={member}", None),
    "start": ("POST", "/appointments/{empty}/note", {"template_id": ""}),
    "draft": ("POST", "/notes/{draft}/draft", {"version": "0", "s:Note": "typed"}),
    "sign": ("POST", "/notes/{draft}/sign", {"version": "0", "s:Note": "typed"}),
    "addendum": ("POST", "/notes/{note}/addenda", {"text": "An addendum"}),
    "cosign": ("POST", "/notes/{note}/cosign", {"version": "2"}),
    "return": ("POST", "/notes/{note}/return", {"version": "2", "comment": "Redo"}),
    "error": ("POST", "/notes/{note}/entered-in-error", {"reason": "Wrong session"}),
    "process-note": ("GET", "/appointments/{appointment}/psychotherapy-note", None),
    "process-write": ("POST", "/appointments/{appointment}/psychotherapy-note", {"text": "x"}),
}
NO = 404
# Lee treats the couple (his note is signed, no supervisor: a review is refused, 422); Pat
# administers for Lee and sees only that the note exists; the owner reads no clinical content.
COUPLE_NOTES = {
    "note-line": dict(owner=OK, lee=OK, kim=NO, ash=NO, pat=OK),
    "note-line-page": dict(owner=OK, lee=OK, kim=NO, ash=NO, pat=OK),
    "note": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "note-person": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "case-notes": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "case-timeline": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "start": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "draft": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "sign": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "addendum": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "cosign": dict(owner=403, lee=422, kim=NO, ash=NO, pat=403),
    "return": dict(owner=403, lee=422, kim=NO, ash=NO, pat=403),
    "error": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
    "process-note": dict(owner=NO, lee=OK, kim=NO, ash=NO, pat=NO),
    "process-write": dict(owner=403, lee=OK, kim=NO, ash=NO, pat=403),
}
# Ash (associate) writes the family's notes; his signed note awaits Lee, his default
# supervisor, who reads and reviews it but writes nothing; Pat does not support Ash.
FAMILY_NOTES = {
    "note-line": dict(owner=OK, lee=OK, kim=NO, ash=OK, pat=NO),
    "note-line-page": dict(owner=OK, lee=OK, kim=NO, ash=OK, pat=NO),
    "note": dict(owner=403, lee=OK, kim=NO, ash=OK, pat=NO),
    "note-person": dict(owner=403, lee=OK, kim=NO, ash=OK, pat=NO),
    "case-notes": dict(owner=403, lee=OK, kim=NO, ash=OK, pat=NO),
    "case-timeline": dict(owner=403, lee=OK, kim=NO, ash=OK, pat=NO),
    "start": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
    "draft": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
    "sign": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
    "addendum": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
    "cosign": dict(owner=403, lee=OK, kim=NO, ash=403, pat=NO),
    "return": dict(owner=403, lee=OK, kim=NO, ash=403, pat=NO),
    "error": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
    "process-note": dict(owner=NO, lee=NO, kim=NO, ash=OK, pat=NO),
    "process-write": dict(owner=403, lee=403, kim=NO, ash=OK, pat=NO),
}
NOTE_CASES = [
    pytest.param(case, route, actor, table[route][actor], id=f"{case}-{route}-{actor}")
    for case, table in (("couple", COUPLE_NOTES), ("family", FAMILY_NOTES))
    for route in NOTE_ROUTES
    for actor in ACTORS
]


@pytest.mark.parametrize(("case", "route", "actor", "expected"), NOTE_CASES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_note_routes(signed_in, world: World, notes, case, route, actor, expected, htmx):  # noqa: F811
    browser = signed_in(actor)
    method, template, form = NOTE_ROUTES[route]
    member = world.people["maya" if case == "couple" else "ada"]
    url = template.format(
        appointment=notes.appointments[case],
        empty=notes.appointments[case + "-empty"],
        note=notes.notes[case],
        draft=notes.notes[case + "-draft"],
        member=member,
        case=world.cases[case],
    )
    if method == "GET":
        response = browser.get(url, htmx=htmx and route != "note-line-page")
    else:
        response = browser.post(url, form, htmx=htmx)
    if expected == OK and method == "POST":
        assert response.status_code in (200, 303), response.text[:500]
    else:
        assert response.status_code == expected, response.text[:500]
    # 0 leaks: whoever may not read the note never gets a word of it, on any route.
    readers = {"couple": {"lee"}, "family": {"lee", "ash"}}[case]
    if actor not in readers:
        for text in (SIGNED_TEXT, FAMILY_TEXT, PRIVATE_TEXT, "Lee process words"):
            assert text not in response.text
    if route == "process-note" and actor != "lee":
        assert "Lee process words" not in response.text
