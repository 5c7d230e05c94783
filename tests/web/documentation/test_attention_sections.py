"""The other contexts' sections of "needs attention": a clinician's treatment plans due for
review, the declined card payments for the owner and administrators, and the count of
undelivered messages; each for the roles it concerns, none with clinical text or content."""

from __future__ import annotations

from datetime import timedelta

from tests.web.communication.test_undelivered import SECRET_BODY, _undelivered
from tests.web.conftest import World
from tests.web.documentation.test_clinical_record import _plan


def test_a_plan_past_its_review_date_needs_its_clinicians_attention(
    signed_in, world: World, container
):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}/clinical"
    draft = lee.post(url + "/plans", _plan(world), htmx=True)
    plan_id = draft.text.split("/clinical/plans/")[1][:36]
    assert lee.post(f"{url}/plans/{plan_id}/sign", {"version": "0"}, htmx=True).status_code == 200
    assert "Treatment plans due for review" not in lee.get("/attention").text
    container.clock().advance(timedelta(days=120))  # review on 1 Apr 2026: now 5 May
    lee = signed_in("lee")  # the earlier session has expired
    page = lee.get("/attention")
    assert "Treatment plans due for review" in page.text and f'href="{url}"' in page.text
    assert "Maya" in page.text and "34 days overdue" in page.text
    assert "Sleep" not in page.text and "CBT-I" not in page.text  # no clinical text
    assert 'id="attention-count"' in lee.get("/attention/count", htmx=True).text
    for who in ("pat", "owner", "ash"):
        assert "Treatment plans due" not in signed_in(who).get("/attention").text


def test_a_declined_card_needs_the_administrators_attention(signed_in, world: World):
    pat = signed_in("pat")
    path = f"/billing/payers/person/{world.people['sam']}"
    saved = pat.post(
        f"{path}/card", {"payment_method": "pm_card_chargeCustomerFail", "consent": "on"}
    )
    assert saved.status_code == 303
    assert "Declined card payments" not in pat.get("/attention").text
    page = pat.get(path)
    token = page.text.split('name="token" value="')[1].split('"')[0]
    pat.post(f"{path}/charge", {"token": token, "amount": "50.00"})
    for who in ("pat", "owner"):
        page = signed_in(who).get("/attention")
        assert "Declined card payments" in page.text and f'href="{path}"' in page.text
        assert "A card payment of 50.00 declined" in page.text
    assert 'id="attention-count"' in pat.get("/attention/count", htmx=True).text
    assert "Declined card payments" not in signed_in("lee").get("/attention").text


def test_undelivered_messages_are_counted_for_the_owner_and_administrators(
    signed_in, world: World, container
):
    assert "Undelivered messages" not in signed_in("owner").get("/attention").text
    _undelivered(container, world, "couple", "maya", "reminder:a:maya:48h")  # Dr. Lee's case
    _undelivered(container, world, "family", "ada", "reminder:b:ada:48h")  # Ash's case
    owner = signed_in("owner").get("/attention")
    assert (
        "Undelivered messages" in owner.text and "2 messages could not be delivered" in owner.text
    )
    assert 'href="/messages/undelivered"' in owner.text and SECRET_BODY not in owner.text
    pat = signed_in("pat").get("/attention")  # supports Dr. Lee only
    assert "1 message could not be delivered" in pat.text
    count = signed_in("owner").get("/attention/count", htmx=True)
    assert 'aria-label="2 items"' in count.text
    assert "Undelivered messages" not in signed_in("lee").get("/attention").text


def test_the_case_head_shows_its_clinicians_open_notes_and_plans(
    signed_in, world: World, notes, container
):
    case = f"/cases/{world.cases['couple']}"
    lee = signed_in("lee")
    head = lee.get(case).text
    # Of the couple's three held sessions one note is signed; the draft's session is unsigned.
    assert f'<a href="{case}/notes">2 sessions held without a signed note</a>' in head
    assert "due for review" not in head
    lee.post(case + "/clinical/plans", _plan(world), htmx=True)
    draft = lee.get(case + "/clinical").text
    plan_id = draft.split("/clinical/plans/")[1][:36]
    lee.post(f"{case}/clinical/plans/{plan_id}/sign", {"version": "0"}, htmx=True)
    container.clock().advance(timedelta(days=120))
    head = signed_in("lee").get(case).text
    assert f'<a href="{case}/clinical">1 treatment plan due for review</a>' in head
    assert "Sleep" not in head.split('id="at-a-glance"')[1].split("</section>")[0]
    for who in ("pat", "owner"):  # they see the case, but are not its clinicians
        page = signed_in(who).get(case)
        assert page.status_code == 200 and "Open items and flags" in page.text
        assert "without a signed note" not in page.text and "due for review" not in page.text
