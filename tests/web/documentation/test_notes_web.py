"""Notes on the web: the appointment page's one click, the editor's autosave and conflict, the
signed page with its verified hash, and escaping. The permission matrix of every documentation
route is in tests/web/shared/test_permissions.py."""

from __future__ import annotations

from tests.web.conftest import World
from tests.web.documentation.conftest import PRIVATE_TEXT, SIGNED_TEXT, Notes


def test_the_appointment_page_links_to_its_note_in_one_click(signed_in, world: World, notes: Notes):
    lee = signed_in("lee")
    page = lee.get(f"/appointments/{notes.appointments['couple']}")
    assert f'hx-get="/appointments/{notes.appointments["couple"]}/note-line"' in page.text
    line = lee.get(f"/appointments/{notes.appointments['couple']}/note-line", htmx=True)
    assert f'href="/notes/{notes.notes["couple"]}"' in line.text and "Read the note" in line.text
    draft = lee.get(f"/appointments/{notes.appointments['couple-draft']}/note-line", htmx=True)
    assert "Continue the note" in draft.text
    empty = lee.get(f"/appointments/{notes.appointments['couple-empty']}/note-line", htmx=True)
    assert "Write the note" in empty.text and "SOAP" in empty.text
    started = lee.post(
        f"/appointments/{notes.appointments['couple-empty']}/note", {"template_id": ""}
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/notes/")
    again = lee.post(f"/appointments/{notes.appointments['couple-empty']}/note", {})
    assert again.headers["location"] == started.headers["location"]  # one note, double click


def test_the_administrator_sees_note_signed_and_no_text(signed_in, world: World, notes: Notes):
    pat = signed_in("pat")
    line = pat.get(f"/appointments/{notes.appointments['couple']}/note-line")
    assert line.status_code == 200 and "Note signed" in line.text
    assert SIGNED_TEXT not in line.text and "Read the note" not in line.text
    assert pat.get(f"/notes/{notes.notes['couple']}").status_code == 403


def test_autosave_conflict_and_sign(signed_in, world: World, notes: Notes):
    lee = signed_in("lee")
    url = f"/notes/{notes.notes['couple-draft']}"
    page = lee.get(url)
    assert 'hx-trigger="input delay:3s, focusout"' in page.text
    maya = world.people["maya"]
    first = lee.post(
        url + "/draft",
        {"version": "0", "s:Note": "<b>shared</b>\r\nline two", f"p:{maya}": "for Maya"},
        htmx=True,
    )
    assert first.status_code == 200 and "Saved at" in first.text
    assert 'id="note-version" value="1" hx-swap-oob="true"' in first.text
    stale = lee.post(url + "/draft", {"version": "0", "s:Note": "other tab"}, htmx=True)
    assert stale.status_code == 422
    assert "other tab" in stale.text and "&lt;b&gt;shared&lt;/b&gt;" in stale.text
    shown = lee.get(url)
    assert "&lt;b&gt;shared&lt;/b&gt;\nline two</textarea>" in shown.text  # escaped, lines kept
    signed = lee.post(url + "/sign", {"version": "1", "s:Note": "<b>shared</b>\nline two"})
    assert signed.status_code == 303
    read = lee.get(url)
    assert "Locked: signed, read-only" in read.text and "content matches the signature" in read.text
    assert "<b>shared</b>" not in read.text and 'hx-post="' not in read.text
    late = lee.post(url + "/draft", {"version": "1", "s:Note": "late autosave"}, htmx=True)
    assert late.status_code == 422 and "signed" in late.text


def test_too_long_a_note_is_refused_with_its_length(signed_in, notes: Notes):
    lee = signed_in("lee")
    url = f"/notes/{notes.notes['couple-draft']}/draft"
    fits = lee.post(url, {"version": "0", "s:Note": "é" * 200_000})
    assert fits.status_code == 303
    beyond = lee.post(url, {"version": "1", "s:Note": "é" * 200_001})
    assert beyond.status_code == 422 and "200,001" in beyond.text


def test_the_per_person_view_shows_only_that_persons_section(signed_in, world: World, notes: Notes):
    lee = signed_in("lee")
    url = f"/notes/{notes.notes['couple']}/people/"
    maya = lee.get(url + str(world.people["maya"]))
    sam = lee.get(url + str(world.people["sam"]))
    assert PRIVATE_TEXT in maya.text and SIGNED_TEXT in maya.text
    assert PRIVATE_TEXT not in sam.text and SIGNED_TEXT in sam.text


def test_search_is_scoped_by_who_may_read(signed_in, notes: Notes):
    assert "Maya &amp; Sam" in signed_in("lee").get("/notes/search?q=confidential couple").text
    for who in ("pat", "owner", "kim", "ash"):
        found = signed_in(who).get("/notes/search?q=confidential couple")
        assert found.status_code == 200 and "Maya &amp; Sam" not in found.text
    assert signed_in("lee").get("/notes/search?q=" + "x" * 300).status_code == 422


def test_needs_attention_and_the_header_count(signed_in, notes: Notes):
    lee = signed_in("lee")
    page = lee.get("/attention")
    # Ash's family note awaits Lee (his default supervisor); Lee has unsigned sessions.
    assert "Notes awaiting your co-signature" in page.text and "Okafor family" in page.text
    assert "Sessions held without a signed note" in page.text
    count = lee.get("/attention/count", htmx=True)
    assert 'id="attention-count"' in count.text
    assert signed_in("pat").get("/attention").status_code == 200


def test_supervisor_returns_and_cosigns(signed_in, notes: Notes):
    lee, ash = signed_in("lee"), signed_in("ash")
    url = f"/notes/{notes.notes['family']}"
    assert "Co-sign" in lee.get(url).text and "Co-sign" not in ash.get(url).text
    empty = lee.post(url + "/return", {"version": "2", "comment": ""})
    assert empty.status_code == 422 and "Say what the author should change" in empty.text
    assert lee.post(url + "/return", {"version": "2", "comment": "Add risk."}).status_code == 303
    assert "Add risk." in ash.get(url).text
    assert ash.post(url + "/addenda", {"text": "Risk assessed: low."}).status_code == 303
    assert ash.post(url + "/resubmit", {"version": "4"}).status_code == 303
    assert lee.post(url + "/cosign", {"version": "5"}).status_code == 303
    assert lee.post(url + "/cosign", {"version": "5"}).status_code == 422  # a second click
    assert "Co-signed by" in lee.get(url).text


def test_psychotherapy_note_only_for_its_author(signed_in, notes: Notes):
    url = f"/appointments/{notes.appointments['couple']}/psychotherapy-note"
    assert "Lee process words" in signed_in("lee").get(url).text
    for who in ("owner", "pat", "kim", "ash"):
        response = signed_in(who).get(url)
        assert response.status_code == 404 and "Lee process words" not in response.text


def test_a_participants_clinical_timeline(signed_in, world: World, notes: Notes):
    lee = signed_in("lee")
    case = f"/cases/{world.cases['couple']}"
    assert f'href="{case}/notes"' in lee.get(case).text
    assert f'href="{case}/notes"' not in signed_in("pat").get(case).text
    maya = lee.get(f"{case}/notes?person={world.people['maya']}")
    sam = lee.get(f"{case}/notes?person={world.people['sam']}")
    assert PRIVATE_TEXT in maya.text and SIGNED_TEXT in maya.text
    assert PRIVATE_TEXT not in sam.text and SIGNED_TEXT in sam.text
    listing = lee.get(f"{case}/notes")
    assert "signed" in listing.text and SIGNED_TEXT not in listing.text


def test_the_owner_adds_a_note_template(signed_in, notes: Notes):
    owner = signed_in("owner")
    added = owner.post(
        "/settings/note-templates", {"name": "Intake", "sections": "Reason: why now\nHistory"}
    )
    assert added.status_code == 303
    page = owner.get("/settings/note-templates")
    assert "Intake" in page.text and "Reason, History" in page.text
    refused = owner.post("/settings/note-templates", {"name": "", "sections": "A"})
    assert refused.status_code == 422 and "Name the template" in refused.text
    assert (
        signed_in("lee")
        .post("/settings/note-templates", {"name": "X", "sections": "A"})
        .status_code
        == 403
    )
    line = signed_in("lee").get(f"/appointments/{notes.appointments['couple-empty']}/note-line")
    assert ">Intake</option>" in line.text


def test_a_refused_step_keeps_what_was_typed(signed_in, notes: Notes):
    lee = signed_in("lee")
    url = f"/notes/{notes.notes['couple']}"
    too_long = "x" * 20_001
    refused = lee.post(url + "/addenda", {"text": too_long})
    assert refused.status_code == 422 and "20,000" in refused.text
    assert too_long in refused.text  # the text is back in its field, not cut or lost
