"""The contract of the scheduling ports (ServiceRepository, AppointmentRepository), written once
for every store. Each test takes a `uow` fixture (a UnitOfWorkFactory on an empty store):
tests/unit/test_scheduling_store.py runs them on memory; a contract module that star-imports
this one next to the contract conftest's `uow` runs them on every adapter.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.cases.case import Case
from core.domain.cases.kinds import CaseKind, ServiceLine
from core.domain.directory.parties import Person, StaffMember, StaffRole
from core.domain.scheduling.appointments import (
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentStatus,
    Attendance,
    ChangeMark,
    DoubleBooking,
)
from core.domain.scheduling.series import Recurrence, Series
from core.domain.scheduling.services import Service
from core.domain.scheduling.times import start_of_day
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.values import CaseId, Money, PersonId, StaffId
from core.ports import UnitOfWorkFactory
from tests.support.stores import commit_without_handlers

__all__ = [
    "test_a_cancelled_appointment_reinstated_over_a_taken_slot_is_refused_at_commit",
    "test_appointments_round_trip_whole_and_as_copies",
    "test_case_queries_filter_order_and_limit",
    "test_concurrent_units_of_work_booking_one_slot_exactly_one_commits",
    "test_overlap_lookups_are_half_open_and_skip_cancelled_ones",
    "test_overlap_lookups_find_the_longest_session_that_began_before_the_range",
    "test_provider_range_lists_every_status_and_the_whole_practice",
    "test_rollback_discards_and_stale_versions_are_refused",
    "test_series_round_trip_and_list_their_sessions",
    "test_services_round_trip_ordered_by_name_with_unique_names",
    "test_the_calendar_projection_names_cases_and_counts_members_on_the_local_day",
    "test_the_last_booked_service_is_the_latest_sessions_whatever_its_status",
    "test_the_store_refuses_overlapping_slots_of_a_provider",
]

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Setting:
    """Two clinicians, two people, two cases and a service, stored first (the SQL stores
    check references)."""

    def __init__(self) -> None:
        self.lee = StaffMember(StaffId(new_id()), "Dr. Lee", "lee@s.test", {StaffRole.CLINICIAN})
        self.kim = StaffMember(StaffId(new_id()), "Dr. Kim", "kim@s.test", {StaffRole.CLINICIAN})
        self.maya = Person(PersonId(new_id()), "Maya Rivera", email="maya@example.org")
        self.sam = Person(PersonId(new_id()), "Sam Chen", email="sam@example.org")
        self.cases = [
            Case.open(
                id=CaseId(new_id()),
                kind=kind,
                name=name,
                opened_on=date(2026, 1, 5),
                responsible_provider=self.lee.id,
                new_id=new_id,
                participants=participants,
            )
            for kind, name, participants in (
                (CaseKind.INDIVIDUAL, "Maya", [(self.maya.id, None)]),
                (CaseKind.COUPLE, "Maya & Sam", [(self.maya.id, None), (self.sam.id, None)]),
            )
        ]
        self.service = Service(
            new_id(), "Individual 50", ServiceLine.PSYCHOTHERAPY, 50, Money(15000, "USD"), "90834"
        )
        self.mark = ChangeMark(actor_id=self.lee.id, at=T0 - timedelta(days=30))

    async def store(self, uow: UnitOfWorkFactory) -> Setting:
        async with uow() as u:
            for s in (self.lee, self.kim):
                await u.staff.add(s)
            for p in (self.maya, self.sam):
                await u.people.add(p)
            for c in self.cases:
                await u.cases.add(c)
            await u.services.add(self.service)
            await commit_without_handlers(u)
        return self

    def session(
        self,
        start: datetime = T0,
        minutes: int = 50,
        *,
        case: int = 0,
        providers: tuple[StaffId, ...] | None = None,
        status: AppointmentStatus = AppointmentStatus.SCHEDULED,
        series_id: uuid.UUID | None = None,
    ) -> Appointment:
        return Appointment(
            id=new_id(),
            case_id=self.cases[case].id,
            start=start,
            end=start + timedelta(minutes=minutes),
            providers=providers or (self.lee.id,),
            service_id=self.service.id,
            created=self.mark,
            status=status,
            series_id=series_id,
        )


async def setting(uow: UnitOfWorkFactory) -> Setting:
    return await Setting().store(uow)


async def add(uow: UnitOfWorkFactory, *sessions: Appointment) -> None:
    async with uow() as u:
        await u.appointments.add_many(sessions)
        await commit_without_handlers(u)


def ids(sessions) -> list[uuid.UUID]:
    return [a.id for a in sessions]


# ----- services -----------------------------------------------------------------------------------


async def test_services_round_trip_ordered_by_name_with_unique_names(uow: UnitOfWorkFactory):
    w = await setting(uow)
    group = Service(new_id(), "group 90", ServiceLine.PSYCHOTHERAPY, 90, Money(6000, "USD"))
    old = Service(
        new_id(), "Old workshop", ServiceLine.WORKSHOP, 120, Money(0, "EUR"), active=False
    )
    async with uow() as u:
        await u.services.add(group)
        await u.services.add(old)
        await commit_without_handlers(u)
    async with uow() as u:
        got = await u.services.get(w.service.id)
        assert got == w.service and got is not w.service
        assert [s.name for s in await u.services.list_all()] == ["group 90", "Individual 50"]
        everything = await u.services.list_all(include_inactive=True)
        assert [s.name for s in everything] == ["group 90", "Individual 50", "Old workshop"]
        assert everything[2].fee == Money(0, "EUR") and everything[2].billing_code is None
        assert set(await u.services.get_many([group.id, old.id, new_id()])) == {group.id, old.id}
        with pytest.raises(InvalidInput) as taken:
            await u.services.add(
                Service(new_id(), "GROUP 90", ServiceLine.PSYCHOTHERAPY, 90, Money(1, "USD"))
            )
            await commit_without_handlers(u)
        assert taken.value.field == "name"
    async with uow() as u:
        got = await u.services.get(group.id)
        got.minutes = 75
        await u.services.update(got)
        await commit_without_handlers(u)
    async with uow() as u:
        assert (await u.services.get(group.id)).minutes == 75
        stale = await u.services.get(group.id)
        stale.version = 0
        with pytest.raises(ConcurrencyConflict):
            await u.services.update(stale)
            await commit_without_handlers(u)


# ----- appointments -------------------------------------------------------------------------------


async def test_appointments_round_trip_whole_and_as_copies(uow: UnitOfWorkFactory):
    w = await setting(uow)
    full = w.session(case=1, providers=(w.kim.id, w.lee.id))
    full.location = "Room 2"
    full.telehealth = True
    full.supervisor_override = w.lee.id
    full.status = AppointmentStatus.COMPLETED
    full.attendance = {w.maya.id: Attendance.ATTENDED, w.sam.id: Attendance.LATE_CANCELLED}
    full.codes = (CodeLine("90847"), CodeLine("90840", units=2, person_id=w.sam.id))
    full.changed = ChangeMark(actor_id=w.kim.id, at=T0, on_behalf_of=w.lee.id)
    bare = w.session(T0 + timedelta(hours=3))
    await add(uow, full, bare)
    async with uow() as u:
        got = await u.appointments.get(full.id)
        assert got == full and got is not full
        assert got.providers == (w.kim.id, w.lee.id)  # the rendering provider stays first
        assert got.start.tzinfo is not None and got.start.utcoffset() == timedelta(0)
        assert (await u.appointments.get(bare.id)) == bare
        assert set(await u.appointments.get_many([full.id, bare.id, new_id()])) == {
            full.id,
            bare.id,
        }
        assert await u.appointments.get(new_id()) is None
        got.attendance.clear()
    async with uow() as u:
        assert (await u.appointments.get(full.id)).attendance == full.attendance


async def test_rollback_discards_and_stale_versions_are_refused(uow: UnitOfWorkFactory):
    w = await setting(uow)
    kept = w.session()
    await add(uow, kept)
    async with uow() as u:
        await u.appointments.add(w.session(T0 + timedelta(days=1)))
        moved = await u.appointments.get(kept.id)
        moved.location = "Elsewhere"
        await u.appointments.update(moved)
        assert len(await u.appointments.for_case(w.cases[0].id)) == 2  # sees its own writes
    async with uow() as u:  # left without commit: nothing happened
        assert len(await u.appointments.for_case(w.cases[0].id)) == 1
        assert (await u.appointments.get(kept.id)).location == ""
    first = await _get(uow, kept.id)
    second = await _get(uow, kept.id)
    first.status = AppointmentStatus.CANCELLED
    async with uow() as u:
        await u.appointments.update(first)
        await commit_without_handlers(u)
    assert (await _get(uow, kept.id)).version == kept.version + 1
    with pytest.raises(ConcurrencyConflict):
        async with uow() as u:
            await u.appointments.update(second)
            await commit_without_handlers(u)


async def _get(uow: UnitOfWorkFactory, appointment_id: uuid.UUID) -> Appointment:
    async with uow() as u:
        found = await u.appointments.get(appointment_id)
    assert found is not None
    return found


async def test_provider_range_lists_every_status_and_the_whole_practice(uow: UnitOfWorkFactory):
    w = await setting(uow)
    before = w.session(T0 - timedelta(hours=1))  # ends as the range below starts
    inside = w.session(T0 + timedelta(hours=2), status=AppointmentStatus.CANCELLED)
    across = w.session(T0 + timedelta(hours=7, minutes=30))  # runs past the range end
    kims = w.session(T0 + timedelta(hours=1), providers=(w.kim.id,), case=1)
    co = w.session(T0 + timedelta(hours=4), providers=(w.kim.id, w.lee.id), case=1)
    after = w.session(T0 + timedelta(hours=8, minutes=20))  # starts after the range
    await add(uow, before, inside, across, kims, co, after)
    start, end = T0 - timedelta(minutes=10), T0 + timedelta(hours=8)
    async with uow() as u:
        assert ids(await u.appointments.for_providers([w.lee.id], start, end)) == ids(
            [inside, co, across]
        )
        assert ids(
            await u.appointments.for_providers([w.lee.id], start - timedelta(minutes=1), end)
        )[:1] == ids([before])
        assert ids(await u.appointments.for_providers([w.kim.id], start, end)) == ids([kims, co])
        assert ids(await u.appointments.for_providers(None, T0, end)) == ids(
            [kims, inside, co, across]
        )
        assert await u.appointments.for_providers([], start, end) == []


async def test_the_calendar_projection_names_cases_and_counts_members_on_the_local_day(
    uow: UnitOfWorkFactory,
):
    """One query, no aggregates: each appointment of the providers overlapping the range, with
    its case's name and kind, its providers in order, and who was expected (members on the
    session's day in the practice's timezone) and recorded."""
    w = Setting()
    couple = w.cases[1]
    maya_in_couple = next(m for m in couple.memberships if m.person_id == w.maya.id)
    couple.end_membership(maya_in_couple.id, date(2026, 3, 2))  # her last day: Monday 2 March
    await w.store(uow)
    tz = ZoneInfo("America/New_York")
    # Monday 2 March 22:30 in New York is Tuesday 03:30 UTC: still Maya's last day.
    late = w.session(datetime(2026, 3, 3, 3, 30, tzinfo=UTC), case=1)
    late.attendance = {w.maya.id: Attendance.ATTENDED, w.sam.id: Attendance.NO_SHOW}
    next_day = w.session(datetime(2026, 3, 3, 15, 0, tzinfo=UTC), 90, case=1)
    next_day.attendance = {w.maya.id: Attendance.ATTENDED}  # a mark left after she left
    co = w.session(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), providers=(w.kim.id, w.lee.id), case=1)
    cancelled = w.session(
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC), status=AppointmentStatus.CANCELLED
    )
    # Began the evening before the range (Sunday 23:00 New York) and runs into it.
    across = w.session(datetime(2026, 3, 2, 4, 0, tzinfo=UTC), 120)
    ended = w.session(datetime(2026, 3, 2, 3, 0, tzinfo=UTC), 60)  # ends as the range starts
    others = w.session(datetime(2026, 3, 2, 16, 0, tzinfo=UTC), providers=(w.kim.id,))
    after = w.session(datetime(2026, 3, 9, 5, 0, tzinfo=UTC))  # Monday 9 March: past the end
    await add(uow, late, next_day, co, cancelled, across, ended, others, after)
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(9)]
    day_starts = [(d, start_of_day(d, tz)) for d in days]
    start, end = start_of_day(date(2026, 3, 2), tz), start_of_day(date(2026, 3, 9), tz)
    async with uow() as u:
        rows = await u.appointments.calendar_rows([w.lee.id], start, end, day_starts)
        assert await u.appointments.calendar_rows([], start, end, day_starts) == []
        kims = await u.appointments.calendar_rows([w.kim.id], start, end, day_starts)
        both = await u.appointments.calendar_rows([w.kim.id, w.lee.id], start, end, day_starts)
    assert ids(rows) == ids([across, cancelled, late, next_day, co])
    by_id = {r.id: r for r in rows}
    first = by_id[late.id]
    assert (first.case_name, first.case_kind, first.case_id) == (
        "Maya & Sam",
        CaseKind.COUPLE,
        couple.id,
    )
    assert (first.start, first.end, first.minutes) == (late.start, late.end, 50)
    assert (first.expected, first.recorded) == (2, 2)  # on her last day Maya is expected
    assert (by_id[next_day.id].expected, by_id[next_day.id].recorded) == (1, 0), rows
    assert by_id[next_day.id].minutes == 90
    assert by_id[co.id].providers == (w.kim.id, w.lee.id)  # in order, the renderer first
    assert by_id[cancelled.id].status is AppointmentStatus.CANCELLED
    assert (by_id[across.id].case_name, by_id[across.id].expected) == ("Maya", 1)
    assert ids(kims) == ids([others, co])
    assert ids(both) == ids([across, cancelled, others, late, next_day, co])  # each once
    # The compact week's projection: slot-holding sessions only (not the cancelled one), a row
    # per provider asked for, by provider then time.
    async with uow() as u:
        busy = await u.appointments.busy([w.kim.id, w.lee.id], start, end)
        assert await u.appointments.busy([], start, end) == []
    assert [(b.provider_id, b.start, b.end) for b in busy] == sorted(
        [(w.kim.id, a.start, a.end) for a in (others, co)]
        + [(w.lee.id, a.start, a.end) for a in (across, late, next_day, co)],
        key=lambda r: (str(r[0]), r[1]),
    )


async def test_case_queries_filter_order_and_limit(uow: UnitOfWorkFactory):
    w = await setting(uow)
    week = [w.session(T0 + timedelta(days=7 * n)) for n in range(5)]
    week[1].status = AppointmentStatus.CANCELLED
    week[3].status = AppointmentStatus.COMPLETED
    other = w.session(T0 + timedelta(hours=2), case=1)
    await add(uow, *week, other)
    case = w.cases[0].id
    async with uow() as u:
        assert ids(await u.appointments.for_case(case)) == ids(week)
        assert ids(await u.appointments.for_case(case, start=week[2].start)) == ids(week[2:])
        assert ids(await u.appointments.for_case(case, end=week[2].start)) == ids(week[:2])
        assert ids(
            await u.appointments.for_case(
                case, statuses=[AppointmentStatus.SCHEDULED], limit=2, newest_first=True
            )
        ) == ids([week[4], week[2]])
        assert ids(
            await u.appointments.for_case(
                case, end=week[4].start, statuses=[AppointmentStatus.COMPLETED], limit=1
            )
        ) == ids([week[3]])
        # Slot-holding sessions of several cases overlapping a range.
        found = await u.appointments.for_cases([case, w.cases[1].id], T0, T0 + timedelta(days=8))
        assert ids(found) == ids([week[0], other])
        assert await u.appointments.for_cases([], T0, T0 + timedelta(days=8)) == []


async def test_the_last_booked_service_is_the_latest_sessions_whatever_its_status(
    uow: UnitOfWorkFactory,
):
    w = await setting(uow)
    family = Service(
        new_id(), "Family 50", ServiceLine.PSYCHOTHERAPY, 50, Money(16000, "USD"), "90847"
    )
    async with uow() as u:
        await u.services.add(family)
        await commit_without_handlers(u)
    case = w.cases[0].id
    async with uow() as u:
        assert await u.appointments.last_booked_service(case) is None
    first = w.session(T0)
    # Two at the latest start: the one with the greater id is the latest, as for_case has it.
    tied = [w.session(T0 + timedelta(days=7), status=AppointmentStatus.CANCELLED) for _ in "ab"]
    latest = max(tied, key=lambda a: a.id)
    latest.service_id = family.id
    earlier_on_other_case = w.session(T0 + timedelta(days=14), case=1)
    await add(uow, first, *tied, earlier_on_other_case)
    async with uow() as u:
        assert await u.appointments.last_booked_service(case) == family.id
        newest = await u.appointments.for_case(case, limit=1, newest_first=True)
        assert [a.id for a in newest] == [latest.id]
        assert await u.appointments.last_booked_service(w.cases[1].id) == w.service.id


async def test_overlap_lookups_are_half_open_and_skip_cancelled_ones(uow: UnitOfWorkFactory):
    w = await setting(uow)
    held = w.session()  # 14:00-14:50
    late = w.session(T0 + timedelta(hours=1), status=AppointmentStatus.LATE_CANCELLED)
    cancelled = w.session(T0 + timedelta(hours=2), status=AppointmentStatus.CANCELLED)
    no_show = w.session(T0 + timedelta(hours=3), status=AppointmentStatus.NO_SHOW)
    await add(uow, held, late, cancelled, no_show)
    lee = [w.lee.id]
    async with uow() as u:
        look = u.appointments.overlapping
        assert ids(await look(lee, T0 + timedelta(minutes=49), T0 + timedelta(hours=4))) == ids(
            [held, no_show]
        )
        assert await look(lee, T0 + timedelta(minutes=50), T0 + timedelta(hours=1)) == []
        assert await look(lee, T0 - timedelta(hours=1), T0) == []
        assert await look(lee, T0, T0 + timedelta(hours=4), exclude=[held.id, no_show.id]) == []
        assert await look([w.kim.id], T0, T0 + timedelta(hours=4)) == []


async def test_overlap_lookups_find_the_longest_session_that_began_before_the_range(
    uow: UnitOfWorkFactory,
):
    """The stores look for overlaps only among sessions that start less than the longest
    session before the range: the longest possible one, started just inside that bound, is
    found by every lookup; one that ended as the range starts is not."""
    w = await setting(uow)
    longest = int(LONGEST_APPOINTMENT.total_seconds() // 60)
    start = T0 + timedelta(days=1)
    day_long = w.session(start - LONGEST_APPOINTMENT + timedelta(minutes=1), longest)
    ended = w.session(day_long.start - timedelta(hours=13), longest)  # ends before day_long
    await add(uow, day_long, ended)
    end = start + timedelta(minutes=10)
    async with uow() as u:
        appointments = u.appointments
        assert ids(await appointments.for_providers([w.lee.id], start, end)) == ids([day_long])
        assert ids(await appointments.for_providers(None, start, end)) == ids([day_long])
        assert ids(await appointments.for_cases([w.cases[0].id], start, end)) == ids([day_long])
        assert ids(await appointments.overlapping([w.lee.id], start, end)) == ids([day_long])
        busy = await appointments.busy([w.lee.id], start, end)
        assert [(b.start, b.end) for b in busy] == [(day_long.start, day_long.end)]
        at_its_end = day_long.end
        assert (
            await appointments.overlapping([w.lee.id], at_its_end, at_its_end + timedelta(1)) == []
        )
    # No session is longer, to the second: what the bound relies on.
    with pytest.raises(InvalidInput, match="12 hours"):
        Appointment(
            id=new_id(),
            case_id=w.cases[0].id,
            start=start,
            end=start + LONGEST_APPOINTMENT + timedelta(seconds=30),
            providers=(w.lee.id,),
            service_id=w.service.id,
            created=w.mark,
        )


async def test_series_round_trip_and_list_their_sessions(uow: UnitOfWorkFactory):
    w = await setting(uow)
    counted = Series(
        new_id(), w.cases[0].id, T0, 50, Recurrence(2, count=3), "America/New_York", w.mark
    )
    until = Series(
        new_id(),
        w.cases[1].id,
        T0,
        90,
        Recurrence(until=date(2026, 6, 30)),
        "Europe/Berlin",
        w.mark,
    )
    sessions = [w.session(T0 + timedelta(weeks=2 * n), series_id=counted.id) for n in (2, 0, 1)]
    async with uow() as u:
        await u.appointments.add_series(counted)
        await u.appointments.add_series(until)
        await u.appointments.add_many(sessions)
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.appointments.get_series(counted.id) == counted
        got = await u.appointments.get_series(until.id)
        assert got == until and got.rule.until == date(2026, 6, 30)
        assert set(await u.appointments.get_series_many([counted.id, until.id])) == {
            counted.id,
            until.id,
        }
        assert ids(await u.appointments.in_series(counted.id)) == ids(
            sorted(sessions, key=lambda a: a.start)
        )
        # What the appointment page lists of the series: the same sessions, light.
        assert [
            (s.id, s.start, s.status) for s in await u.appointments.series_slots(counted.id)
        ] == [(a.id, a.start, a.status) for a in sorted(sessions, key=lambda a: a.start)]
        assert await u.appointments.series_slots(new_id()) == []
        got.rule = Recurrence(until=date(2026, 4, 30))
        await u.appointments.update_series(got)
        await commit_without_handlers(u)
    async with uow() as u:
        assert (await u.appointments.get_series(until.id)).rule.until == date(2026, 4, 30)


# ----- the no-overlap rule, guaranteed by the store -----------------------------------------------


async def test_the_store_refuses_overlapping_slots_of_a_provider(uow: UnitOfWorkFactory):
    """The store refuses by itself, whatever the caller checked before (units of work run one
    after the other here: on SQLite a second writer waits for the first)."""
    w = await setting(uow)
    await add(uow, w.session())
    with pytest.raises(DoubleBooking) as clash:
        await add(uow, w.session(T0 + timedelta(minutes=30), case=1))
    assert clash.value.provider_id == w.lee.id and clash.value.code == "double_booking"
    assert clash.value.field == "start"
    # A co-provider is held to it too; back-to-back and other providers are fine.
    with pytest.raises(DoubleBooking):
        await add(uow, w.session(T0 + timedelta(minutes=10), providers=(w.kim.id, w.lee.id)))
    await add(
        uow,
        w.session(T0 + timedelta(minutes=50)),
        w.session(T0 - timedelta(minutes=50)),
        w.session(T0, providers=(w.kim.id,)),
    )
    async with uow() as u:
        assert (
            len(
                await u.appointments.for_providers(
                    [w.lee.id], T0 - timedelta(hours=2), T0 + timedelta(hours=2)
                )
            )
            == 3
        )


async def test_a_cancelled_appointment_reinstated_over_a_taken_slot_is_refused_at_commit(
    uow: UnitOfWorkFactory,
):
    w = await setting(uow)
    cancelled = w.session(status=AppointmentStatus.CANCELLED)
    await add(uow, cancelled, w.session(T0 + timedelta(minutes=20), case=1))
    back = await _get(uow, cancelled.id)
    back.status = AppointmentStatus.SCHEDULED
    with pytest.raises(DoubleBooking):
        async with uow() as u:
            await u.appointments.update(back)
            await commit_without_handlers(u)
    assert (await _get(uow, cancelled.id)).status is AppointmentStatus.CANCELLED


async def test_concurrent_units_of_work_booking_one_slot_exactly_one_commits(
    uow: UnitOfWorkFactory,
):
    w = await setting(uow)

    async def book(n: int) -> bool:
        try:
            async with uow() as u:
                await u.appointments.add(w.session(T0 + timedelta(minutes=n), case=n % 2))
                await commit_without_handlers(u)
        except DoubleBooking:
            return False
        return True

    results = await asyncio.gather(*(book(n) for n in range(20)))
    assert results.count(True) == 1
    async with uow() as u:
        assert len(await u.appointments.for_providers([w.lee.id], T0, T0 + timedelta(hours=2))) == 1
