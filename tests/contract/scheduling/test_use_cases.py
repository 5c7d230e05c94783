"""Scheduling use cases on every store: what a clinician does reaches the database and back
the same way, and twenty people booking one provider's slot at once leave exactly one booking."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.scheduling.appointments import AppointmentStatus, Attendance, DoubleBooking
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.ports import UnitOfWorkFactory
from core.services import billing, cases
from core.services import scheduling as s
from core.services.billing.views import codes as billing_views
from core.services.communication import links
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at


async def test_twenty_concurrent_bookings_of_one_slot_leave_one_and_name_it_to_the_others(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    cases = [
        await clinic.case(CaseKind.INDIVIDUAL, lee, (await clinic.person(f"Client {n}"), None))
        for n in range(20)
    ]
    results = await asyncio.gather(
        *(clinic.book(lee, case_id, at(2, 3, 10, n)) for n, case_id in enumerate(cases)),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, s.Booking)]
    lost = [r for r in results if not isinstance(r, s.Booking)]
    assert len(won) == 1
    assert all(isinstance(e, DoubleBooking) for e in lost), lost
    winner = results.index(won[0])
    expected = f"Dr. Lee already has an appointment on Tue 03 Feb 2026 from 10:{winner:02d}"
    assert all(e.message.startswith(expected) for e in lost), lost[0].message
    week = await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=date(2026, 2, 2)))
    assert [e.case_id for d in week.days for e in d.entries] == [cases[winner]]


async def test_a_family_series_changed_cancelled_attended_and_coded(uow: UnitOfWorkFactory):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    mother, teen = await clinic.person("Ada Okafor"), await clinic.person("Chidi Okafor")
    family = await clinic.case(
        CaseKind.FAMILY, lee, (mother, MemberRole.PARENT), (teen, MemberRole.IDENTIFIED_CLIENT)
    )
    booked = await clinic.book(
        lee, family, at(3, 3, 18, 0), service="Family 50", repeat=s.Repeat(count=6)
    )
    ids = booked.appointment_ids
    moved = await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=ids[2],
            version=0,
            start=at(3, 17, 19, 0),
            minutes=45,
            service_id=clinic.services["Family 50"],
            scope=s.Scope.FOLLOWING,
        ),
    )
    await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=ids[4], version=1, scope=s.Scope.FOLLOWING),
    )
    clinic.now(at(3, 3, 19, 0))
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(
            appointment_id=ids[0], marks={mother: Attendance.ATTENDED, teen: Attendance.ABSENT}
        ),
    )
    page = await v.appointment_page(clinic.deps, lee, ids[0])
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    assert page_codes is not None and [c.code for c in page_codes.suggested] == ["90846"]
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(appointment_id=ids[0], marks={teen: Attendance.ATTENDED}),
    )
    page = await v.appointment_page(clinic.deps, lee, ids[0])
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    assert [c.code for c in page_codes.suggested] == ["90847"]
    await billing.confirm_codes(
        clinic.deps, lee, billing.ConfirmCodes(appointment_id=ids[0], version=page.version)
    )
    page = await v.appointment_page(clinic.deps, lee, ids[0])
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    assert page_codes.confirmed is not None and not page_codes.confirmed_differs
    assert page.series is not None and page.series.total == 2

    tail = await v.appointment_page(clinic.deps, lee, ids[3])
    assert tail.series is not None and tail.series.id == moved.series_id
    assert [(f"{x.start:%d %H:%M}", x.status) for x in tail.series.sessions] == [
        ("17 19:00", "scheduled"),
        ("24 19:00", "scheduled"),
        ("31 19:00", "cancelled"),
        ("07 19:00", "cancelled"),
    ]
    summary = await v.case_schedule_summary(clinic.deps, lee, family)
    assert summary.last_session is not None and summary.last_session.id == ids[0]
    assert [u.id for u in summary.upcoming] == ids[1:4]
    grid = await v.attendance_grid(clinic.deps, lee, family, date(2026, 3, 1), date(2026, 4, 30))
    assert [r.cells for r in grid.rows] == [["attended", "", "", ""]] * 2
    assert (await clinic.appointment(ids[0])).status is AppointmentStatus.COMPLETED


async def test_closing_cancels_the_sessions_to_come_and_races_no_booking_onto_the_closed_case(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    client = await clinic.person("Maya Rivera")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (client, None))
    weekly = await clinic.book(lee, case_id, at(2, 3, 18, 0), repeat=s.Repeat(count=4))
    clinic.now(at(2, 12, 9, 0))  # two sessions past, two to come
    # Bookings at other times race the close: none may stay scheduled on the closed case.
    results = await asyncio.gather(
        cases.close_case(clinic.deps, lee, cases.CloseCase(case_id=case_id)),
        *(clinic.book(lee, case_id, at(3, 2 + n, 9, 0)) for n in range(5)),
        return_exceptions=True,
    )
    async with clinic.deps.uow() as u:
        case = await u.cases.get(case_id)
        sessions = await u.appointments.for_case(case_id)
        series = await u.appointments.get_series(weekly.series_id)
    if isinstance(results[0], Exception):  # SQLite: the close lost to a booking; run it again
        assert isinstance(results[0], ConcurrencyConflict), results[0]
        await cases.close_case(clinic.deps, lee, cases.CloseCase(case_id=case_id))
        async with clinic.deps.uow() as u:
            case = await u.cases.get(case_id)
            sessions = await u.appointments.for_case(case_id)
            series = await u.appointments.get_series(weekly.series_id)
    assert not case.is_open
    now = clinic.deps.clock.now()
    assert [a for a in sessions if a.start > now and a.status is AppointmentStatus.SCHEDULED] == []
    assert [a.status for a in sessions if a.series_id == weekly.series_id] == [
        AppointmentStatus.SCHEDULED,
        AppointmentStatus.SCHEDULED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.CANCELLED,
    ]
    assert series.rule.until == date(2026, 2, 16)
    for refused in results[1:]:
        if isinstance(refused, Exception):
            assert isinstance(refused, InvariantViolation | ConcurrencyConflict), refused


async def test_booking_a_group_sends_as_many_statements_for_twelve_members_as_for_two(
    engine, uow: UnitOfWorkFactory
):
    """Each expected member's other cases are found in one query, not one per member."""
    if engine is None:
        pytest.skip("statements are counted on the SQL stores")
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    async def booking_statements(members: int, day: int) -> int:
        people = [await clinic.person(f"Member {day} {n}") for n in range(members)]
        group = await clinic.case(
            CaseKind.GROUP, lee, *((p, None) for p in people), capacity=members
        )
        for n, p in enumerate(people):  # each also in a case of their own at that time
            other = await clinic.staff(f"Dr. Other {day} {n}")
            own = await clinic.case(CaseKind.INDIVIDUAL, other, (p, None))
            await clinic.book(other, own, at(2, day, 18, 0))
        sent.clear()
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            booked = await clinic.book(
                lee, group, at(2, day, 18, 0), service="Group 90", despite_overlaps=True
            )
        finally:
            sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert len(booked.warnings) == members
        return len(sent)

    assert await booking_statements(2, 3) == await booking_statements(12, 4)


async def test_the_appointment_page_reads_its_change_forms_choices_with_the_page(
    engine, uow: UnitOfWorkFactory
):
    """The same choices as `case_booking_options`, read in the page's unit of work, the
    service among every service read for the form: fewer statements than the two reads."""
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    maya = await clinic.person("Maya Rivera")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (maya, None))
    appointment_id = (await clinic.book(lee, case_id, at(2, 3, 18, 0))).appointment_ids[0]
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    async def statements(read):
        """What `read` gives, and the statements it sent (on the SQL stores)."""
        sent.clear()
        if engine is None:
            return await read(), 0
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            return await read(), len(sent)
        finally:
            sa.event.remove(engine.sync_engine, "before_cursor_execute", count)

    async def apart():
        loaded = await v.load_appointment_page(clinic.deps, lee, appointment_id)
        return loaded, await v.case_booking_options(clinic.deps, lee, loaded.case)

    async def together():
        return await v.load_appointment_page(clinic.deps, lee, appointment_id, booking=True)

    (plain, options), apart_sent = await statements(apart)
    loaded, together_sent = await statements(together)
    assert loaded.booking == options and plain.booking is None
    assert loaded.page == plain.page and loaded.service == plain.service
    if engine is not None:
        assert together_sent < apart_sent, (together_sent, apart_sent)


async def test_the_appointment_page_is_read_in_one_unit_of_work(uow: UnitOfWorkFactory):
    """The page, its change form's choices and its confirmations (`also`): one unit of work."""
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    maya = await clinic.person("Maya Rivera")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (maya, None))
    appointment_id = (await clinic.book(lee, case_id, at(2, 3, 18, 0))).appointment_ids[0]
    opened: list[object] = []

    def counting():
        opened.append(1)
        return clinic.deps.uow()

    deps = dataclasses.replace(clinic.deps, uow=counting)
    seen: list[uuid.UUID] = []

    async def also(u, a) -> int:
        seen.append(a.id)
        return await links.confirmed_in(u, a)

    loaded = await v.load_appointment_page(deps, lee, appointment_id, booking=True, also=also)
    assert len(opened) == 1 and seen == [appointment_id]
    assert loaded.also == 0 and loaded.booking is not None
