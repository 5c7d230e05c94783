"""The calendar read model on every store: who is expected and recorded, a page of the practice,
and on the SQL stores the staff directory and one statement for the sessions, whatever their
number or the clinicians'."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest
import sqlalchemy as sa

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import Forbidden
from core.ports import UnitOfWorkFactory
from core.services import scheduling as s
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at

WEEK = date(2026, 3, 2)


async def test_the_calendar_counts_members_expected_and_recorded_and_pages_the_practice(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    kim = await clinic.staff("Dr. Kim")
    maya, sam = await clinic.person("Maya Rivera"), await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    solo = await clinic.case(CaseKind.INDIVIDUAL, kim, (sam, None))
    booked = await clinic.book(
        lee, couple, at(3, 3, 10, 0), service="Family 50"
    )  # a psychotherapy service for a couple
    await clinic.book(kim, solo, at(3, 4, 9, 0), service="Group 90")
    clinic.clock.set(datetime(2026, 3, 4, tzinfo=UTC))
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(
            appointment_id=booked.appointment_ids[0], marks={maya: Attendance.ATTENDED}
        ),
    )

    week = await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=WEEK))
    (entry,) = [e for d in week.days for e in d.entries]
    assert (entry.case_name, entry.kind_label, entry.minutes) == ("couple case 2", "couple", 50)
    assert (entry.expected_count, entry.recorded_count) == (2, 1)
    assert [p.name for p in entry.providers] == ["Dr. Lee"]

    # The owner's practice, a clinician a page: the page's sessions only, in its own hours.
    query = v.CalendarQuery(start_day=WEEK, page_size=1, hours=v.DayHours(first=9, last=17))
    pages = [
        await v.calendar(clinic.deps, clinic.owner, msgspec_replace(query, page=n))
        for n in (1, 2, 3)
    ]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [[r.name for r in p.providers] for p in pages] == [  # by name
        ["Dr. Ana Owner"],
        ["Dr. Kim"],
        ["Dr. Lee"],
    ]
    assert [p.first_index for p in pages] == [0, 1, 2]
    kims = [e for d in pages[1].days for e in d.entries]
    assert [e.case_name for e in kims] == ["individual case 1"]
    # 09:00-10:30 inside the practice's 09-17; Dr. Lee's 10:00 too: the hours stay.
    assert (kims[0].minutes, pages[1].grid_hours) == (90, v.DayHours(first=9, last=17))
    assert [len(d.entries) for d in pages[2].days] == [0, 1, 0, 0, 0, 0, 0]
    found = await v.calendar(clinic.deps, clinic.owner, msgspec_replace(query, find="KIM"))
    assert [r.name for r in found.providers] == ["Dr. Kim"] and found.matching == 1
    with pytest.raises(Forbidden):
        await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=WEEK, provider_ids=(kim.id,)))
    # Dr. Lee's "everyone": only herself, whatever the filter.
    mine = await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=WEEK, find="dr"))
    assert [r.name for r in mine.providers] == ["Dr. Lee"]


def msgspec_replace(query: v.CalendarQuery, **changes) -> v.CalendarQuery:
    return msgspec.structs.replace(query, **changes)


async def test_the_calendar_sends_one_statement_for_its_sessions_whatever_their_number(
    engine, uow: UnitOfWorkFactory
):
    if engine is None:
        pytest.skip("statements are counted on the SQL stores")
    clinic = await Clinic(uow).setup()
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    async def statements() -> list[tuple[int, int]]:
        """Per screen: (statements, those reading scheduling or cases rather than staff)."""
        counts = []
        for actor, q in (
            (lee, v.CalendarQuery(start_day=WEEK)),
            (clinic.owner, v.CalendarQuery(start_day=WEEK)),
            (clinic.owner, v.CalendarQuery(start_day=WEEK, days=1, page_size=12)),
        ):
            sent.clear()
            sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                await v.calendar(clinic.deps, actor, q)
            finally:
                sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
            counts.append((len(sent), sum(1 for q in sent if "appointment" in q or "case" in q)))
        return counts

    lee = await clinic.staff("Dr. Lee")
    first = await clinic.case(CaseKind.INDIVIDUAL, lee, (await clinic.person("Client A"), None))
    await clinic.book(lee, first, at(3, 2, 9, 0))
    few = await statements()
    for n in range(10):
        other = await clinic.staff(f"Dr. Other {n}")
        case = await clinic.case(
            CaseKind.INDIVIDUAL, other, (await clinic.person(f"Client {n}"), None)
        )
        await clinic.book(other, case, at(3, 2, 9, 0), repeat=s.Repeat(count=5, every_weeks=1))
        for hour in (10, 11, 12, 13):
            await clinic.book(other, case, at(3, 3, hour, 0))
    many = await statements()
    assert few == many
    assert all(sessions == 1 for _, sessions in many), "\n".join(q[:90] for q in sent)
    # The staff directory: its version, and after a change of staff its 3 statements to load
    # again (the first screen after the ten new clinicians); the practice's calendar hours; and
    # SQLite's BEGIN.
    assert all(total <= 7 for total, _ in many)
