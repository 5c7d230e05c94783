"""Every screen that shows a client's record writes exactly one audit entry, with the right
actor, object and principal; refused screens write none; sign-ins and sign-outs are written;
only the owner opens the audit log (the core refuses anyone else)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import datetime
from uuid import UUID

import pytest

from adapters.persistence.memory.audit import MemoryAuditLog
from core.domain.scheduling.services import ServiceLine
from core.services import scheduling as s
from tests.web.conftest import World

ACTORS = ("owner", "lee", "kim", "ash", "pat")


@pytest.fixture
def log(container) -> MemoryAuditLog:
    return container.audit_log()


@pytest.fixture
def appointment(container, world: World) -> UUID:
    deps = container.scheduling_deps()
    service = asyncio.run(
        s.create_service(
            deps,
            world.staff["owner"],
            s.CreateService(
                name="Couple 50",
                service_line=ServiceLine.PSYCHOTHERAPY,
                minutes=50,
                fee_minor=15000,
                billing_code="90847",
            ),
        )
    )
    booked = asyncio.run(
        s.schedule_appointment(
            deps,
            world.staff["lee"],
            s.ScheduleAppointment(
                case_id=world.cases["couple"],
                start=datetime(2026, 1, 7, 10, 0),
                service_id=service,
            ),
        )
    )
    return getattr(booked, "id", booked)


def screens(world: World, appointment: UUID) -> list[tuple[str, str, UUID | None, UUID | None]]:
    """(path, object type, object id, case id) of every screen showing a client's record."""
    found = []
    for name in ("couple", "family"):
        case = world.cases[name]
        found += [
            (f"/cases/{case}", "case", case, case),
            (f"/cases/{case}/clinical", "clinical_record", case, case),
            (f"/cases/{case}/history", "case", case, case),
            (f"/cases/{case}/schedule", "case_schedule", case, case),
        ]
    found.append(
        (f"/appointments/{appointment}", "appointment", appointment, world.cases["couple"])
    )
    for person in ("maya", "ada"):
        found.append((f"/people/{world.people[person]}", "person", world.people[person], None))
    return found


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_each_screen_writes_exactly_one_entry(signed_in, world, log, appointment, who, htmx):
    browser = signed_in(who)
    actor = world.staff[who]
    opened = 0
    for path, object_type, object_id, case_id in screens(world, appointment):
        before = len(log.entries)
        response = browser.get(path, htmx=htmx)
        added = log.entries[before:]
        if response.status_code != 200:
            assert response.status_code in (403, 404), (path, response.status_code)
            assert added == [], f"{who} was refused {path} but an entry was written"
            continue
        opened += 1
        assert len(added) == 1, (who, path, [e.record for e in added])
        entry = added[0].record
        assert entry.action == "read"
        assert entry.actor_id == actor.id
        assert (entry.object_type, entry.object_id, entry.case_id) == (
            object_type,
            object_id,
            case_id,
        ), path
        # Pat administers Lee's couple case: on Lee's behalf. Everyone else for themselves.
        working_for = world.staff["lee"].id if who == "pat" and case_id else None
        assert entry.on_behalf_of == working_for, (who, path)
        assert "?" not in entry.route and entry.route.startswith(path.split("/")[0] + "/")
        assert "{" in entry.route  # the route's template, not the ids of the request
        assert entry.client_address == "testclient"
    assert opened >= (0 if who == "kim" else 3)


@pytest.mark.parametrize("who", ACTORS)
def test_the_calendar_writes_one_entry_per_request(signed_in, world, log, appointment, who):
    browser = signed_in(who)
    before = len(log.entries)
    response = browser.get("/schedule?start=2026-01-05")
    assert response.status_code == 200
    [entry] = [e.record for e in log.entries[before:]]
    assert (entry.actor_id, entry.object_type, entry.action) == (
        world.staff[who].id,
        "calendar",
        "read",
    )
    assert entry.route == "/schedule"


def test_sign_in_failed_sign_in_and_sign_out_are_written(signed_in, world, browser, log):
    before = len(log.entries)
    assert browser.sign_in(world.email("lee"), "wrong password").status_code == 422
    assert browser.sign_in("nobody@hearth.test", "wrong password").status_code == 422
    lee = signed_in("lee")
    assert lee.post("/sign-out").status_code == 303
    entries = [e.record for e in log.entries[before:]]
    assert [(e.action, e.actor_id) for e in entries] == [
        ("sign_in_failed", world.staff["lee"].id),
        ("sign_in_failed", None),
        ("sign_in", world.staff["lee"].id),
        ("sign_out", world.staff["lee"].id),
    ]
    assert all(e.route in ("/sign-in", "/sign-out") for e in entries)


@pytest.mark.parametrize("who", ["lee", "kim", "ash", "pat"])
def test_only_the_owner_opens_the_audit_log(signed_in, who):
    browser = signed_in(who)
    assert browser.get("/audit").status_code == 403
    assert browser.get("/audit", htmx=True).status_code == 403
    assert browser.get("/audit.csv").status_code == 403
    assert "/audit" not in browser.get("/cases").text


def test_the_owner_filters_pages_and_exports_the_log(signed_in, world, log):
    lee, owner = signed_in("lee"), signed_in("owner")
    couple, family = world.cases["couple"], world.cases["family"]
    log.entries.clear()  # the log of what this test does (setting up the world changed cases)
    for _ in range(3):
        assert lee.get(f"/cases/{couple}").status_code == 200
    assert lee.get(f"/cases/{family}").status_code == 200
    home = owner.get("/cases")
    assert 'href="/audit"' in home.text
    page = owner.get(f"/audit?case={couple}")
    assert page.status_code == 200
    assert page.text.count('class="audit-entry"') == 3
    assert "Maya &amp; Sam" in page.text and "Dr. Lee" in page.text
    fragment = owner.get(f"/audit?case={family}", htmx=True)
    assert "<html" not in fragment.text and fragment.text.count('class="audit-entry"') == 1
    # Keyset paging: 50 a page, "Older entries" carries the cursor.
    for _ in range(55):
        lee.get(f"/cases/{couple}")
    first = owner.get(f"/audit?case={couple}")
    assert first.text.count('class="audit-entry"') == 50
    older = re.search(r'href="(/audit\?[^"]*before=[^"]+)"', first.text)
    assert older is not None
    second = owner.get(older.group(1).replace("&amp;", "&"))
    assert second.text.count('class="audit-entry"') == 8
    exported = owner.get(f"/audit.csv?case={couple}")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 58
    assert {r["case_id"] for r in rows} == {str(couple)}
    assert {r["actor"] for r in rows} == {"Dr. Lee"}
    # Reading and exporting the log are entries of their own.
    assert [e.record.action for e in log.entries[-1:]] == ["export"]
    assert owner.get("/audit?case=not-a-uuid").status_code == 422
