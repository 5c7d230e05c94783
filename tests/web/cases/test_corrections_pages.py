"""Corrections on the case page, as a clinician does them: a member added with their payer and
reminders in one form; a wrong payer marked "entered in error" frees the share for the right
one; ending a membership before recorded attendance is refused naming the sessions, and
confirmed keeps that attendance, marked; a refused new partner leaves nobody new behind."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from core.services import directory
from tests.web.cases.row_forms import item_id
from tests.web.conftest import World
from tests.web.scheduling.test_schedule import appointment_id, book_couple
from tests.web.scheduling.test_schedule import services as services  # the fixture


def _id(pattern: str, html: str) -> str:
    found = re.search(pattern, html)
    assert found is not None, pattern
    return found.group(1)


def _named(world: World, text: str) -> list[str]:
    deps, owner = world.practice.deps, world.staff["owner"]
    found = asyncio.run(directory.find_people(deps, owner, text))
    return [p.legal_name for p in found]


def test_a_refused_new_partner_leaves_nobody_new_in_the_directory(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    for htmx in (True, False):
        refused = lee.post(
            f"{url}/members",
            {
                "person_id_new_name": "Third Partner",
                "person_id_new_email": "third@example.org",
                "pays": "new",
                "paid_by_new_name": "Third's Payer",
                "reminders": "on",
            },
            htmx=htmx,
        )
        assert refused.status_code == 422
        assert "at most 2 active partners" in refused.text
        # What was typed is still there, next to the message.
        assert 'value="Third Partner"' in refused.text
    assert _named(world, "Third") == []
    # And as the screens find people: the owner's search offers nobody of that name.
    found = signed_in("owner").get("/people/options?for=member&q=Third", htmx=True)
    assert "Nobody in the directory matches" in found.text


def test_a_member_joins_with_who_pays_and_reminders_in_one_form(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['consultation']}"
    page = lee.get(url).text
    # One choice group of its own, reachable by Tab; "themselves" by default in a group.
    assert "<legend>Who pays for them</legend>" in page
    assert re.search(r'id="member-pays-self" value="self" checked', page)
    assert re.search(r'name="reminders" type="checkbox" value="on" checked', page)
    assert "Riverside Clinic pays for them" in page  # the group's existing payer
    added = lee.post(
        f"{url}/members",
        {
            "person_id_new_name": "Dana Brooks",
            "person_id_new_email": "dana@example.org",
            "pays": "self",
            "reminders": "on",
        },
        htmx=True,
    )
    assert added.status_code == 200, added.text
    billing = added.text.split('id="billing"')[1].split("</section>")[0]
    assert "Dana Brooks" in billing
    reminders = added.text.split('id="communication"')[1].split("</section>")[0]
    assert "Dana Brooks" in reminders and "email" in reminders
    # The payer form of a group: "pays for" is a member first, the whole group last.
    covers = added.text.split('id="add-payer-covers"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"', covers)
    assert options[0] != "" and options[-1] == ""
    history = added.text.split('id="history"')[1]
    assert (
        "Dana Brooks joined as consultee on 2026-01-05. Dana Brooks pays for Dana Brooks from "
        "2026-01-05. Dana Brooks: reminders by email." in history
    )


def test_a_wrong_payer_entered_in_error_frees_the_share_for_the_right_one(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    maya = str(world.people["maya"])
    right = {"payer": f"person:{maya}"}
    refused = lee.post(f"{url}/payers", right, htmx=True)
    assert refused.status_code == 422 and "add up to 200%" in refused.text
    wrong = _id(r"/payers/([0-9a-f-]{36})/error", refused.text)
    no_reason = lee.post(f"{url}/payers/{wrong}/error", {"reason": " "}, htmx=True)
    assert no_reason.status_code == 422
    assert 'id="payer-error-' + wrong + '-reason-error"' in no_reason.text
    assert "Say why" in no_reason.text
    marked = lee.post(f"{url}/payers/{wrong}/error", {"reason": "Sam never agreed"})
    assert marked.status_code == 303
    assert lee.post(f"{url}/payers", right, htmx=True).status_code == 200
    page = lee.get(url).text
    payers = page.split('id="billing"')[1].split("</tbody>")[0]
    assert "Maya Rivera" in payers and "Sam Chen" not in payers
    assert "was entered in error: Sam never agreed" in page.split('id="history"')[1]


def test_ending_a_membership_before_recorded_attendance_is_refused_then_confirmed(
    signed_in, world: World, services, container
):
    lee = signed_in("lee")
    first = appointment_id(book_couple(lee, world, services, repeat="on", count="3"))
    # A second session on the first day: the grid tells the two apart by their time.
    book_couple(lee, world, services, start="2026-01-06T15:00")
    container.clock().set(datetime(2026, 1, 21, 9, 0, tzinfo=UTC))
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}"
    sam = str(world.people["sam"])
    schedule = lee.get(f"{url}/schedule", htmx=True).text
    later = re.findall(r"/appointments/([0-9a-f-]{36})", schedule)
    for appointment in dict.fromkeys([first, *later]):
        lee.post(f"/appointments/{appointment}/attendance", {"person_id": sam, "mark": "attended"})
    grid = lee.get(f"{url}/schedule", htmx=True).text
    assert '6 Jan<br><span class="time">10:00</span>' in grid
    assert '6 Jan<br><span class="time">15:00</span>' in grid
    assert "13 Jan</time>" in grid  # alone on its day: no time needed
    page = lee.get(url).text
    membership = item_id(page, "End membership of Sam Chen")
    refused = lee.post(f"{url}/members/{membership}/end", {"left_on": "2026-01-06"}, htmx=True)
    assert refused.status_code == 422
    assert "Tue 13 Jan 2026 10:00" in refused.text and "Tue 20 Jan 2026 10:00" in refused.text
    assert "End it anyway: keep that attendance" in refused.text
    assert lee.get(f"{url}/schedule", htmx=True).text.count("after leaving") == 0
    confirmed = lee.post(
        f"{url}/members/{membership}/end",
        {"left_on": "2026-01-06", "attendance_after_leaving": "on"},
        htmx=True,
    )
    assert confirmed.status_code == 200, confirmed.text
    grid = lee.get(f"{url}/schedule", htmx=True).text
    row = grid.split("Sam Chen</th>")[1].split("</tr>")[0]
    assert row.count("(after leaving)") == 2 and row.endswith("<td>4</td>")
    assert "† recorded after leaving" in grid
    # Sam pays for the whole couple, not for himself: that is another fact and goes on.
    history = confirmed.text.split('id="history"')[1]
    assert "Sam Chen left on 2026-01-06. Attendance recorded after that day stays" in history
    assert "stops paying" not in history
    # The last day is corrected away again (a member as before).
    again = lee.post(f"{url}/members/{membership}/end-date", {"left_on": ""}, htmx=True)
    assert again.status_code == 200, again.text
    assert "Sam Chen&#39;s last day removed" in again.text


def test_mark_everyone_attended_then_change_the_exception(
    signed_in, world: World, services, container
):
    lee = signed_in("lee")
    appointment = appointment_id(book_couple(lee, world, services))
    container.clock().set(datetime(2026, 1, 6, 11, 0, tzinfo=UTC))
    lee = signed_in("lee")
    page = lee.get(f"/appointments/{appointment}").text
    assert ">Mark everyone attended</button>" in page
    form = page.split('aria-label="Mark everyone attended"')[1].split("</form>")[0]
    people = re.findall(r'name="person_id" value="([0-9a-f-]{36})"', form)
    assert len(people) == 2
    marked = lee.post(
        f"/appointments/{appointment}/attendance",
        {"person_id": people, "mark": "attended"},
        htmx=True,
    )
    assert marked.status_code == 200 and marked.text.count(">attended</td>") == 2
    assert ">Mark everyone attended</button>" not in marked.text  # nobody left to mark
    maya = str(world.people["maya"])
    changed = lee.post(
        f"/appointments/{appointment}/attendance",
        {"person_id": maya, "mark": "absent"},
        htmx=True,
    )
    assert changed.text.count(">attended</td>") == 1 and ">absent</td>" in changed.text
