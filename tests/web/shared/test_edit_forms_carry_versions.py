"""Every edit form carries the version it was read at (issue 14, finding 12): each POST form
on the screens that edit something either sends a hidden `version` or is one of the forms
that create, end or mark something (which no stale page can overwrite: they add a fact, and
the core refuses what no longer applies). A new edit form without a version fails here."""

from __future__ import annotations

import re

from tests.web.cases.row_forms import fold_addresses, item_id
from tests.web.conftest import World
from tests.web.scheduling.test_schedule import appointment_id, book_couple
from tests.web.scheduling.test_schedule import services as services  # the fixture

# Forms that add or end a fact rather than edit a value in place, by the end of their action
# (a fee is set from a date: a new override beside the old one, never an edit of it).
NOT_EDITS = re.compile(
    r"(/new|/end|/error|/close|/reopen|/members|/staff|/payers|/helpers|/communication"
    r"|/diagnoses|/fees|/sign-out|/password|/attendance(/all)?|/cancel|/schedule/book"
    r"|/settings/services"
    # The account buttons of a staff page send a mail or end something: no field is edited.
    r"|/reset-link|/invitation(/revoke)?|/second-factor/reset)$"
)


def _pages(world: World) -> list[str]:
    return [
        f"/cases/{world.cases['couple']}",
        f"/cases/{world.cases['consultation']}",
        f"/cases/{world.cases['couple']}/defaults",
        f"/people/{world.people['maya']}",
        f"/organizations/{world.organizations['clinic']}",
        f"/staff/{world.staff['lee'].id}",
        "/settings/practice",
        "/settings/hours",
        "/settings/reminders",
        "/settings/locations",
        "/settings/services",
    ]


def _forms(html: str) -> list[tuple[str, str]]:
    return [
        (m.group(1), m.group(2))
        for m in re.finditer(r'<form method="post" action="([^"]+)"(.*?)</form>', html, re.DOTALL)
    ]


def test_every_edit_form_on_the_editing_screens_carries_its_version(
    signed_in,
    world: World,
    services,
):
    owner, lee = signed_in("owner"), signed_in("lee")
    appointment = appointment_id(book_couple(lee, world, services))
    added = owner.post("/settings/locations/new", {"name": "Room 1", "active": "on"})
    assert added.status_code == 303
    couple = f"/cases/{world.cases['couple']}"
    sam = item_id(owner.get(couple).text, "End membership of Sam Chen")
    # ended, so that its last day has a correction form
    ended = owner.post(f"{couple}/members/{sam}/end", {"left_on": "2026-01-05"})
    assert ended.status_code == 303
    pages = [
        *_pages(world),
        f"/settings/services/{services['Couple 50']}",
        f"/appointments/{appointment}",
    ]
    seen: set[str] = set()
    for page in pages:
        browser = lee if page.startswith("/appointments") else owner
        response = browser.get(page)
        assert response.status_code == 200, page
        # With the row actions' forms, fetched into their folds when opened.
        folds = [browser.get(a, htmx=True) for a in fold_addresses(response.text)]
        assert [f.status_code for f in folds] == [200] * len(folds), page
        folded = [f.text for f in folds]
        forms = _forms("".join([response.text, *folded]))
        assert forms, page
        unversioned = [
            action
            for action, body in forms
            if 'name="version"' not in body and not NOT_EDITS.search(action)
        ]
        assert unversioned == [], (page, unversioned)
        seen |= {re.sub(r"[0-9a-f-]{36}", "ID", a) for a, b in forms if 'name="version"' in b}
    # The edit forms this covers (a screen losing its form would pass the check above).
    assert {
        "/cases/ID/name",
        "/cases/ID/status",
        "/cases/ID/capacity",
        "/cases/ID/members/ID/end-date",
        "/cases/ID/defaults/usual-service",
        "/cases/ID/defaults/identified-client",
        "/people/ID",
        "/organizations/ID",
        "/staff/ID",
        "/settings/practice",
        "/settings/hours",
        "/settings/reminders",
        "/settings/telehealth",
        "/settings/locations/ID",
        "/settings/services/ID",
    } <= seen, seen
