"""The case page's schedule section: upcoming sessions, the last session's attendance, who is
expected next, and the attendance grid; refused to those who may not see the case."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.web.scheduling.test_schedule import appointment_id, book_couple
from tests.web.scheduling.test_schedule import services as services  # the fixture


def test_case_page_loads_the_schedule_section(signed_in, world, services):
    lee = signed_in("lee")
    page = lee.get(f"/cases/{world.cases['couple']}")
    assert f'hx-get="/cases/{world.cases["couple"]}/schedule"' in page.text
    empty = lee.get(f"/cases/{world.cases['couple']}/schedule", htmx=True)
    assert empty.status_code == 200
    assert "No session yet." in empty.text and "Nothing booked." in empty.text


def test_last_session_attendance_next_expected_and_grid(
    signed_in,
    world,
    services,
    container,
):
    lee = signed_in("lee")
    first = appointment_id(book_couple(lee, world, services, repeat="on", count="3"))
    container.clock().set(datetime(2026, 1, 6, 11, 0, tzinfo=UTC))
    lee = signed_in("lee")
    maya, sam = str(world.people["maya"]), str(world.people["sam"])
    lee.post(f"/appointments/{first}/attendance", {"person_id": maya, "mark": "attended"})
    lee.post(f"/appointments/{first}/attendance", {"person_id": sam, "mark": "absent"})
    panel = lee.get(f"/cases/{world.cases['couple']}/schedule", htmx=True)
    assert panel.status_code == 200
    text = panel.text
    assert text.lstrip().startswith('<section id="case-schedule"')
    # Dates read as people write them, each in a <time> that keeps the ISO moment.
    assert 'Tue <time datetime="2026-01-06T10:00+00:00">6 Jan 2026 10:00</time>' in text  # last
    assert 'Tue <time datetime="2026-01-13T10:00+00:00">13 Jan 2026 10:00</time>' in text  # next
    assert "2026-01-06 " not in text  # no ISO text shown
    # One person a list item, in a list of its own (not names run together).
    last = re.search(
        r'<ul class="people-list" aria-label="At the last session">(.*?)</ul>', text, re.S
    )
    assert last is not None
    names = re.findall(r"<li>(.*?)</li>", last.group(1), re.S)
    assert len(names) == 2
    assert any("Maya Rivera" in n and "(attended)" in n for n in names)
    assert any("Sam Chen" in n and "(absent)" in n for n in names)
    assert 'aria-label="Expected at the next session"' in text
    assert "attendance-grid" in text and "✓" in text
    full = lee.get(f"/cases/{world.cases['couple']}/schedule?from=2026-01-01&to=2026-02-01")
    assert full.status_code == 200 and "Back to the case" in full.text
    assert lee.get(f"/cases/{world.cases['couple']}/schedule?from=soon").status_code == 422


def test_schedule_section_is_refused_to_those_without_the_case(
    signed_in,
    world,
    services,
):
    kim = signed_in("kim")
    assert kim.get(f"/cases/{world.cases['couple']}/schedule").status_code == 404
    assert kim.get("/cases/not-an-id/schedule").status_code == 404
    pat = signed_in("pat")  # supports Dr. Lee: sees the schedule of Dr. Lee's case
    assert pat.get(f"/cases/{world.cases['couple']}/schedule").status_code == 200
