"""The demo practice's month of sessions: the calendar is full around today, with attendance as
it happened (absences, a late cancellation), the Okafor codes going from 90846 to 90847, and a
series Morgan booked for Dr. Lee."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.cli import demo
from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.ids import SequentialIds
from bootstrap import message_bus
from core.services.billing.views import codes as billing_views
from core.services.scheduling import views as schedule_views
from core.services.scheduling.deps import SchedulingDeps
from tests.unit.demo.test_demo import ADMIN, HASHER, LEE, OWNER, Demo


@pytest.fixture(scope="module", params=["UTC", "America/New_York"])
def d(request) -> Demo:
    """Loaded as `hearth demo` does it: with the practice's timezone; once per timezone for the
    module, since these tests only read it."""
    return asyncio.run(_load(request.param))


async def _load(timezone: str) -> Demo:
    deps = SchedulingDeps(
        uow=memory_uow_factory(),
        clock=FixedClock(datetime(2026, 11, 27, 9, 30, tzinfo=UTC), timezone),
        ids=SequentialIds(),
        bus=message_bus(),
        audit=MemoryAuditLog(),
        timezone=timezone,
    )
    practice = await demo.load_demo(deps, HASHER)
    assert practice is not None
    return Demo(deps, practice)


async def _sessions(d: Demo, key: str, email: str = LEE):
    actor = await d.actor(email)
    grid = await schedule_views.attendance_grid(
        d.deps, actor, d.practice.cases[key], d.ago(35), d.today + timedelta(days=30)
    )
    return actor, grid


async def test_the_practice_week_is_full(d: Demo):
    owner = await d.actor(OWNER)
    week = await schedule_views.calendar(
        d.deps, owner, schedule_views.CalendarQuery(start_day=d.ago(d.today.weekday() + 7))
    )
    kinds = {e.case_kind for day in week.days for e in day.entries}
    assert {"group", "family", "couple", "individual"} <= kinds
    assert sum(len(day.entries) for day in week.days) >= 6


async def test_the_group_has_absences_and_a_late_cancellation(d: Demo):
    _, grid = await _sessions(d, "group")
    assert len(grid.sessions) == 7
    marks = [c for r in grid.rows for c in r.cells]
    assert "absent" in marks and "late_cancelled" in marks and "no_show" in marks
    assert marks.count("attended") > 10
    assert {s.status for s in grid.sessions[:4]} == {"completed"}
    assert grid.sessions[-1].status == "scheduled"


async def test_okafor_codes_go_from_90846_to_90847(d: Demo):
    lee, grid = await _sessions(d, "family")
    first, second = [
        await billing_views.appointment_codes(d.deps, lee, s.id) for s in grid.sessions[:2]
    ]
    assert first is not None and second is not None
    assert [c.code for c in first.confirmed or []] == ["90846"]
    assert [c.code for c in second.confirmed or []] == ["90847"]


async def test_morgan_booked_the_teens_sessions_for_dr_lee(d: Demo):
    morgan, grid = await _sessions(d, "teen", ADMIN)
    page = await schedule_views.appointment_page(d.deps, morgan, grid.sessions[0].id)
    assert page.created.by == "Morgan Diaz" and page.created.on_behalf_of == "Dr. Grace Lee"


async def test_the_consultation_group_meets_monthly(d: Demo):
    _, grid = await _sessions(d, "consultation_group", OWNER)
    first, second = grid.sessions
    assert second.start - first.start == timedelta(weeks=4)
