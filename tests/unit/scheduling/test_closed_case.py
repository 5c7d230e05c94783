"""A closed case keeps no sessions to come: closing cancels them, and a booking or change that
raced the close loses instead of landing on the closed case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import AppointmentStatus
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.services import cases
from core.services import scheduling as s
from core.services.cases import views as case_views
from tests.support.scheduling_practice import Clinic, at
from tests.support.stores import with_commit_hook


@pytest.fixture
async def clinic() -> Clinic:
    return await Clinic().setup()


async def individual(clinic: Clinic, provider, name: str = "Maya Rivera"):
    person = await clinic.person(name)
    return await clinic.case(CaseKind.INDIVIDUAL, provider, (person, None))


def closing_at_commit(clinic: Clinic, actor, case_id):
    """Scheduling deps whose first commit lets a close of the case commit first."""
    factory = memory_uow_factory(clinic.store)
    closes = []

    async def close_first() -> None:
        if not closes:
            closes.append(
                await cases.close_case(clinic.deps, actor, cases.CloseCase(case_id=case_id))
            )

    deps = replace(clinic.deps, uow=with_commit_hook(factory, close_first))
    return deps, closes


async def test_a_booking_that_raced_the_close_of_its_case_is_refused_and_leaves_nothing(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    deps, closes = closing_at_commit(clinic, lee, case_id)
    with pytest.raises(InvariantViolation, match="This case is closed"):
        await s.schedule_appointment(
            deps,
            lee,
            s.ScheduleAppointment(
                case_id=case_id,
                start=at(2, 3, 10, 0),
                service_id=clinic.services["Individual 50"],
                repeat=s.Repeat(count=4),
            ),
        )
    assert len(closes) == 1
    async with clinic.deps.uow() as uow:
        assert await uow.appointments.for_case(case_id) == []


async def test_a_change_that_raced_the_close_of_its_case_meets_the_closed_case(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    clinic.now(at(2, 4, 9, 0))  # the session is past, so closing leaves it alone
    deps, closes = closing_at_commit(clinic, lee, case_id)
    with pytest.raises(InvariantViolation, match="This case is closed"):
        await s.change_appointment(
            deps,
            lee,
            s.ChangeAppointment(
                appointment_id=aid,
                version=0,
                start=at(2, 3, 10, 0),
                minutes=50,
                service_id=clinic.services["Individual 50"],
                location="Room 2",
            ),
        )
    assert len(closes) == 1
    kept = await clinic.appointment(aid)
    assert kept.location == "" and kept.status is AppointmentStatus.SCHEDULED


async def test_a_change_is_not_moved_before_the_case_opened(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)  # opened 2026-01-05
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    with pytest.raises(Exception, match="opened on 2026-01-05") as e:
        await s.change_appointment(
            clinic.deps,
            lee,
            s.ChangeAppointment(
                appointment_id=aid,
                version=0,
                start=at(1, 2, 10, 0),
                minutes=50,
                service_id=clinic.services["Individual 50"],
            ),
        )
    assert e.value.field == "start"


async def test_closing_a_case_cancels_its_sessions_to_come_and_ends_its_series(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    weekly = await clinic.book(lee, case_id, at(2, 3, 18, 0), repeat=s.Repeat(count=6))
    later = await clinic.book(lee, case_id, at(4, 1, 9, 0), repeat=s.Repeat(count=2))
    clinic.now(at(2, 17, 12, 0))  # two weekly sessions are past, four to come
    await cases.close_case(clinic.deps, lee, cases.CloseCase(case_id=case_id))

    async with clinic.deps.uow() as uow:
        sessions = await uow.appointments.for_case(case_id)
        weekly_series = await uow.appointments.get_series(weekly.series_id)
        later_series = await uow.appointments.get_series(later.series_id)
    statuses = [(f"{a.start.astimezone(clinic.deps.tz):%m-%d}", a.status.value) for a in sessions]
    assert statuses == [
        ("02-03", "scheduled"),  # past: left for the clinician to record
        ("02-10", "scheduled"),
        ("02-17", "cancelled"),
        ("02-24", "cancelled"),
        ("03-03", "cancelled"),
        ("03-10", "cancelled"),
        ("04-01", "cancelled"),
        ("04-08", "cancelled"),
    ]
    assert all(a.changed and a.changed.actor_id == lee.id for a in sessions[2:])
    assert weekly_series.rule.until == date(2026, 2, 16) and weekly_series.rule.count is None
    assert later_series.rule.count == 2  # wholly cancelled: the series says what it was
    history = await case_views.case_history(clinic.deps, lee, case_id)
    assert history[0].summary == "Closed on 2026-02-17. Cancelled 6 scheduled sessions to come."


async def test_closing_a_case_without_sessions_to_come_says_only_that(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    await clinic.book(lee, case_id, at(2, 3, 18, 0))
    clinic.now(at(2, 4, 9, 0))
    await cases.close_case(clinic.deps, lee, cases.CloseCase(case_id=case_id))
    history = await case_views.case_history(clinic.deps, lee, case_id)
    assert history[0].summary == "Closed on 2026-02-04."


async def test_a_stale_change_stays_a_conflict_when_run_again(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    change = s.ChangeAppointment(
        appointment_id=aid,
        version=0,
        start=at(2, 3, 11, 0),
        minutes=50,
        service_id=clinic.services["Individual 50"],
    )
    await s.change_appointment(clinic.deps, lee, change)
    with pytest.raises(ConcurrencyConflict):
        await s.change_appointment(clinic.deps, lee, change)


async def test_a_cancelled_session_of_a_closed_case_is_not_reinstated(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    await cases.close_case(clinic.deps, lee, cases.CloseCase(case_id=case_id))
    cancelled = await clinic.appointment(aid)
    assert cancelled.status is AppointmentStatus.CANCELLED
    with pytest.raises(InvariantViolation, match="This case is closed"):
        await s.set_status(
            clinic.deps,
            lee,
            s.SetStatus(
                appointment_id=aid,
                version=cancelled.version,
                status=AppointmentStatus.SCHEDULED,
            ),
        )
