"""The clinical record page: diagnoses coded from the ICD-10-CM list (the picker, a clear
message for a wrong code), treatment plans written, signed, read-only once signed, superseded
by a new version, flagged when due for review; reads audited; consultation cases refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from adapters.persistence.memory.audit import MemoryAuditLog
from tests.web.conftest import World


@pytest.fixture
def log(container) -> MemoryAuditLog:
    return container.audit_log()


def _plan(world: World, **more: str) -> dict[str, str]:
    return {
        "person_id": str(world.people["maya"]),
        "problems": "Sleep <b>broken</b>\nWorry",
        "goal-1": "Sleep through most nights",
        "objective-1-1": "5 of 7 nights, by the diary",
        "target-1-1": "2026-03-01",
        "interventions": "CBT-I",
        "review_on": "2026-04-01",
        **more,
    }


def test_the_picker_finds_codes_and_puts_the_chosen_one_into_the_field(signed_in):
    lee = signed_in("lee")
    found = lee.get("/icd10?code=gen+anx&prefix=dx-", htmx=True)
    assert found.status_code == 200 and "F41.1" in found.text
    assert "Generalized anxiety disorder" in found.text and "<html" not in found.text
    by_code = lee.get("/icd10?code=F43.2", htmx=True).text
    assert "F43.23" in by_code and "a category" in by_code  # F43.2 itself needs more
    picked = lee.get("/icd10/pick?code=F41.1&prefix=dx-", htmx=True).text
    assert 'value="F41.1"' in picked and "Generalized anxiety disorder" in picked
    page = lee.get("/icd10?q=ptsd")  # without JavaScript: a page of its own
    assert "<html" in page.text and "F43.1" in page.text and "FY2026" in page.text
    assert "No ICD-10-CM code matches" in lee.get("/icd10?q=zzzqqq", htmx=True).text


def test_a_diagnosis_takes_a_complete_code_of_the_list(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}/clinical"
    maya = str(world.people["maya"])
    category = lee.post(url + "/diagnoses", {"person_id": maya, "code": "F41"}, htmx=True)
    assert category.status_code == 422
    assert "is a category: choose a complete code, such as F41.0" in category.text
    assert 'id="dx-code-error"' in category.text and 'value="F41"' in category.text
    unknown = lee.post(url + "/diagnoses", {"person_id": maya, "code": "F99.99"}, htmx=True)
    assert unknown.status_code == 422 and "is not a code of ICD-10-CM FY2026" in unknown.text
    added = lee.post(
        url + "/diagnoses", {"person_id": maya, "code": "f41.1", "primary": "on"}, htmx=True
    )
    assert added.status_code == 200
    row = added.text.split("Generalized anxiety disorder")[0].rsplit("<tr", 1)[1]
    assert "F41.1" in row and "legacy" not in row
    assert "Primary" in added.text.split("Generalized anxiety disorder")[1].split("</tr>")[0]
    second = lee.post(
        url + "/diagnoses", {"person_id": maya, "code": "Z63.0", "primary": "on"}, htmx=True
    )
    # One primary per participant: F41.1 became secondary.
    rows = {
        code: second.text.split(f"<td>{code}")[1].split("</tr>")[0] for code in ("F41.1", "Z63.0")
    }
    assert "Secondary" in rows["F41.1"] and "Primary" in rows["Z63.0"]


def test_a_plan_is_written_signed_once_and_superseded(signed_in, world: World, log, container):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}/clinical"
    refused = lee.post(url + "/plans", _plan(world, review_on="", **{"target-1-1": ""}), htmx=True)
    assert refused.status_code == 422
    assert "Give the objective the date it is to be reached by." in refused.text
    assert "5 of 7 nights, by the diary" in refused.text  # what was typed stays
    no_review = lee.post(url + "/plans", _plan(world, review_on=""), htmx=True)
    assert "Choose when the plan is to be reviewed." in no_review.text
    draft = lee.post(url + "/plans", _plan(world), htmx=True)
    assert draft.status_code == 200 and "Draft of version 1" in draft.text
    assert "Sleep <b>" not in draft.text and "Sleep &lt;b&gt;broken" in draft.text
    plan_id = re.search(r"/clinical/plans/([0-9a-f-]{36})/sign", draft.text)[1]
    # A stale tab (version 0 after a save) is refused; the current one signs.
    saved = lee.post(url + "/plans", _plan(world, plan_id=plan_id, version="0"), htmx=True)
    assert saved.status_code == 200
    maya = str(world.people["maya"])
    stale = lee.post(f"{url}/plans/{plan_id}/sign", {"version": "0", "person_id": maya}, htmx=True)
    assert stale.status_code == 422 and "was changed by someone else" in stale.text
    # Another tab's save of the old version: both versions shown, nothing overwritten.
    other = lee.post(
        url + "/plans", _plan(world, plan_id=plan_id, version="0", problems="Tab two"), htmx=True
    )
    assert other.status_code == 422 and "The draft as saved meanwhile" in other.text
    assert "Tab two" in other.text and "Sleep &lt;b&gt;broken" in other.text
    signed = lee.post(f"{url}/plans/{plan_id}/sign", {"version": "1"}, htmx=True)
    assert signed.status_code == 200
    assert f"Signed by {world.staff['lee'].name}" in signed.text
    assert "content matches its signature" in signed.text and "SHA-256" in signed.text
    twice = lee.post(f"{url}/plans/{plan_id}/sign", {"version": "1", "person_id": maya}, htmx=True)
    assert twice.status_code == 422  # a double click never signs twice
    assert "signed and cannot change" in twice.text or "changed by someone else" in twice.text
    changed = lee.post(url + "/plans", _plan(world, plan_id=plan_id, version="2"), htmx=True)
    assert changed.status_code == 422 and "is signed and cannot change" in changed.text
    # The next version starts as a copy of the plan in force, and supersedes it when signed.
    assert "Start version 2" in signed.text
    v2 = lee.post(url + "/plans", _plan(world, problems="Sleep, better"), htmx=True)
    v2_id = re.search(r"/clinical/plans/([0-9a-f-]{36})/sign", v2.text)[1]
    done = lee.post(f"{url}/plans/{v2_id}/sign", {"version": "0"}, htmx=True)
    assert "version 2" in done.text and "Earlier versions (1)" in done.text
    before = len(log.entries)
    old = lee.get(f"{url}/plans/{plan_id}")
    assert old.status_code == 200 and "Superseded by a later version" in old.text
    assert "Sleep &lt;b&gt;broken" in old.text
    [entry] = [e.record for e in log.entries[before:]]
    assert (entry.action, entry.object_type, str(entry.object_id)) == (
        "read",
        "treatment_plan",
        plan_id,
    )
    # Past its review date the plan in force is flagged.
    container.clock().advance(timedelta(days=120))
    assert "Due for review" in signed_in("lee").get(url).text


def test_an_administrator_and_the_owner_never_get_plan_content(signed_in, world: World):
    url = f"/cases/{world.cases['couple']}/clinical"
    signed_in("lee").post(url + "/plans", _plan(world), htmx=True)
    for who in ("pat", "owner"):
        page = signed_in(who).get(url)
        assert page.status_code == 403 and "Sleep through" not in page.text


def test_a_consultation_case_has_no_diagnoses_or_plans(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['consultation']}/clinical"
    for path, data in (
        ("/diagnoses", {"person_id": str(world.people["maya"]), "code": "F41.1"}),
        ("/plans", _plan(world)),
    ):
        refused = lee.post(url + path, data, htmx=True)
        assert refused.status_code in (404, 422)
        assert "Sleep through" not in refused.text


def test_a_goal_field_named_with_thousands_of_digits_is_not_a_500(signed_in, world: World):
    """Field names are posted too: `int()` refuses more than 4,300 digits, so such a name
    crashed the plan form. It is no goal of the form: the plan saves without it."""
    url = f"/cases/{world.cases['couple']}/clinical"
    for name in ("goal-" + "1" * 5000, "objective-1-" + "2" * 5000, "target-" + "3" * 5000 + "-1"):
        saved = signed_in("lee").post(url + "/plans", _plan(world, **{name: "x"}), htmx=True)
        assert saved.status_code < 500, name


def test_the_pickers_id_prefix_is_an_id_not_a_selector(signed_in):
    """`prefix` goes into ids and into `hx-target="#…code-field"`: a crafted link must not
    point the picker's swap at another part of the page."""
    lee = signed_in("lee")
    for path in ("/icd10?code=F41&prefix=body,%23x", "/icd10/pick?code=F41.1&prefix=body,%23x"):
        page = lee.get(path, htmx=True).text
        assert "body,#x" not in page and "dx-code" in page, path
