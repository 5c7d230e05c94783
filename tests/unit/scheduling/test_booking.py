"""Booking, the no-overlap rule for providers, series edits and who made each change."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.appointments import AppointmentStatus, DoubleBooking
from core.domain.scheduling.services import Service
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput, NotFound
from core.services import scheduling as s
from core.services.cases import views as case_views
from tests.support.scheduling_practice import Clinic, at
from tests.support.stores import with_commit_hook


@pytest.fixture
async def clinic() -> Clinic:
    return await Clinic().setup()


async def individual(clinic: Clinic, provider, name: str = "Maya Rivera"):
    person = await clinic.person(name)
    return await clinic.case(CaseKind.INDIVIDUAL, provider, (person, None)), person


async def test_a_provider_cannot_be_in_two_overlapping_sessions_but_back_to_back_is_fine(clinic):
    lee = await clinic.staff("Dr. Lee")
    first, _ = await individual(clinic, lee)
    second, _ = await individual(clinic, lee, "Sam Chen")
    await clinic.book(lee, first, at(2, 3, 10, 0))  # 10:00-10:50
    with pytest.raises(
        DoubleBooking, match=r"Dr\. Lee already has .* Tue 03 Feb 2026 from 10:00 to 10:50"
    ) as e:
        await clinic.book(lee, second, at(2, 3, 10, 30))
    assert e.value.field == "start" and e.value.code == "double_booking"
    with pytest.raises(DoubleBooking):
        await clinic.book(lee, second, at(2, 3, 9, 20))  # ends 10:10
    await clinic.book(lee, second, at(2, 3, 10, 50))  # starts when the other ends
    await clinic.book(lee, second, at(2, 3, 9, 10))  # ends when the other starts
    # Another clinician may of course see someone at the same time.
    kim = await clinic.staff("Dr. Kim")
    third, _ = await individual(clinic, kim, "Alex Kim")
    await clinic.book(kim, third, at(2, 3, 10, 0))


async def test_cancelled_sessions_free_the_slot_and_a_reinstated_one_takes_it_back(clinic):
    lee = await clinic.staff("Dr. Lee")
    first, _ = await individual(clinic, lee)
    second, _ = await individual(clinic, lee, "Sam Chen")
    booked = await clinic.book(lee, first, at(2, 3, 10, 0))
    [appointment_id] = booked.appointment_ids
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=appointment_id, version=0)
    )
    other = await clinic.book(lee, second, at(2, 3, 10, 0))
    assert other.appointment_ids
    cancelled = await clinic.appointment(appointment_id)
    assert cancelled.status is AppointmentStatus.CANCELLED
    with pytest.raises(DoubleBooking):
        await s.set_status(
            clinic.deps,
            lee,
            s.SetStatus(
                appointment_id=appointment_id,
                version=cancelled.version,
                status=AppointmentStatus.SCHEDULED,
            ),
        )
    # Late cancellations free the slot as well.
    third, _ = await individual(clinic, lee, "Alex Kim")
    late = await clinic.book(lee, third, at(2, 4, 10, 0))
    await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=late.appointment_ids[0], version=0, late=True),
    )
    await clinic.book(lee, first, at(2, 4, 10, 0))


async def test_a_co_therapist_is_held_to_the_same_rule(clinic):
    lee = await clinic.staff("Dr. Lee")
    kim = await clinic.staff("Dr. Kim")
    family, _ = await individual(clinic, lee)
    own, _ = await individual(clinic, kim, "Sam Chen")
    await clinic.book(lee, family, at(2, 3, 10, 0), provider_ids=(lee.id, kim.id))
    with pytest.raises(DoubleBooking, match=r"Dr\. Kim"):
        await clinic.book(kim, own, at(2, 3, 10, 15))


async def test_a_series_that_would_overlap_anywhere_is_refused_whole(clinic):
    lee = await clinic.staff("Dr. Lee")
    group_case, _ = await individual(clinic, lee)
    other, _ = await individual(clinic, lee, "Sam Chen")
    await clinic.book(lee, other, at(3, 17, 18, 30))  # the third Tuesday
    with pytest.raises(DoubleBooking, match="Tue 17 Mar 2026 from 18:30"):
        await clinic.book(lee, group_case, at(3, 3, 18, 0), repeat=s.Repeat(count=6))
    async with clinic.deps.uow() as uow:
        assert len(await uow.appointments.for_case(group_case)) == 0


@pytest.mark.parametrize("writers", [2, 20])
async def test_units_of_work_booking_the_same_slot_at_once_one_wins_the_others_get_the_domain_error(
    clinic, writers
):
    lee = await clinic.staff("Dr. Lee")
    case_ids = [(await individual(clinic, lee, f"Client {n}"))[0] for n in range(writers)]
    # All check the rule before any commits: only the store can stop the others.
    gate = asyncio.Event()
    arrived = 0
    factory = memory_uow_factory(clinic.store)

    async def all_arrived() -> None:
        """Every writer waits until all of them are about to commit."""
        nonlocal arrived
        arrived += 1
        if arrived == writers:
            gate.set()
        await gate.wait()

    deps = replace(clinic.deps, uow=with_commit_hook(factory, all_arrived))

    async def book(case_id, hour, minute):
        return await s.schedule_appointment(
            deps,
            lee,
            s.ScheduleAppointment(
                case_id=case_id,
                start=at(2, 3, hour, minute),
                service_id=clinic.services["Individual 50"],
            ),
        )

    results = await asyncio.gather(
        *(book(case_id, 10, n) for n, case_id in enumerate(case_ids)), return_exceptions=True
    )
    won = [r for r in results if isinstance(r, s.Booking)]
    lost = [r for r in results if not isinstance(r, s.Booking)]
    assert len(won) == 1 and len(lost) == writers - 1
    assert all(isinstance(e, DoubleBooking) for e in lost), lost
    assert all("Dr. Lee already has an appointment" in e.message for e in lost)
    async with clinic.deps.uow() as uow:
        booked = await uow.appointments.for_providers([lee.id], at_utc(2, 3, 0), at_utc(2, 4, 0))
    assert len(booked) == 1


def at_utc(month, d, hour):
    return datetime(2026, month, d, hour, tzinfo=UTC)


async def test_a_stale_change_is_refused(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    [appointment_id] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    change = s.ChangeAppointment(
        appointment_id=appointment_id,
        version=0,
        start=at(2, 3, 11, 0),
        minutes=50,
        service_id=clinic.services["Individual 50"],
    )
    await s.change_appointment(clinic.deps, lee, change)
    with pytest.raises(ConcurrencyConflict):
        await s.change_appointment(clinic.deps, lee, change)


async def test_change_one_session_of_a_series_or_this_and_the_following(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    booked = await clinic.book(lee, case_id, at(3, 3, 18, 0), repeat=s.Repeat(count=6))
    ids = booked.appointment_ids
    assert len(ids) == 6 and booked.series_id is not None
    group50 = clinic.services["Individual 50"]

    # Only the second session moves to Wednesday 17:00.
    await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=ids[1], version=0, start=at(3, 11, 17, 0), minutes=50, service_id=group50
        ),
    )
    # From the fourth on: 19:00 and 45 minutes, online.
    result = await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=ids[3],
            version=0,
            start=at(3, 24, 19, 0),
            minutes=45,
            service_id=group50,
            telehealth=True,
            scope=s.Scope.FOLLOWING,
        ),
    )
    assert result.series_id not in (None, booked.series_id)
    async with clinic.deps.uow() as uow:
        sessions = [await uow.appointments.get(i) for i in ids]
        old = await uow.appointments.get_series(booked.series_id)
        new = await uow.appointments.get_series(result.series_id)
    tz = clinic.deps.tz
    assert [f"{a.start.astimezone(tz):%m-%d %H:%M}" for a in sessions] == [
        "03-03 18:00",
        "03-11 17:00",
        "03-17 18:00",
        "03-24 19:00",
        "03-31 19:00",
        "04-07 19:00",
    ]
    assert [a.minutes for a in sessions] == [50, 50, 50, 45, 45, 45]
    assert [a.telehealth for a in sessions] == [False] * 3 + [True] * 3
    assert {a.series_id for a in sessions[:3]} == {booked.series_id}
    assert {a.series_id for a in sessions[3:]} == {result.series_id}
    assert old.rule.until == date(2026, 3, 23)
    assert new.rule.until == date(2026, 4, 7) and new.minutes == 45
    assert "19:00" in new.describe()


async def test_cancel_the_rest_of_a_series(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    booked = await clinic.book(
        lee, case_id, at(1, 13, 18, 0), repeat=s.Repeat(until=date(2026, 3, 31))
    )
    ids = booked.appointment_ids
    assert len(ids) == 12
    result = await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=ids[8], version=0, scope=s.Scope.FOLLOWING),
    )
    assert len(result.appointment_ids) == 4
    async with clinic.deps.uow() as uow:
        statuses = [(await uow.appointments.get(i)).status for i in ids]
        series = await uow.appointments.get_series(booked.series_id)
    assert statuses == [AppointmentStatus.SCHEDULED] * 8 + [AppointmentStatus.CANCELLED] * 4
    assert series.rule.until == date(2026, 3, 9)
    history = await case_views.case_history(clinic.deps, lee, case_id)
    assert (
        history[0].summary
        == "Cancelled the session of Tue 10 Mar 2026 18:00 and the 3 following sessions."
    )


async def test_an_administrator_schedules_for_the_clinician_she_supports_and_the_record_says_so(
    clinic,
):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    admin = await clinic.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    booked = await clinic.book(admin, case_id, at(2, 3, 10, 0))
    appointment = await clinic.appointment(booked.appointment_ids[0])
    assert appointment.providers == (lee.id,)
    assert appointment.created.actor_id == admin.id
    assert appointment.created.on_behalf_of == lee.id
    [entry, *_] = await case_views.case_history(clinic.deps, lee, case_id)
    assert (entry.actor, entry.on_behalf_of) == ("Pat Admin", "Dr. Lee")
    assert entry.summary == "Scheduled Individual 50 on Tue 03 Feb 2026 10:00 with Dr. Lee."

    # An administrator who does not support Dr. Lee cannot even see the case.
    stranger = await clinic.staff("Other Admin", StaffRole.ADMINISTRATOR)
    with pytest.raises(NotFound):
        await clinic.book(stranger, case_id, at(2, 4, 10, 0))
    # ... nor claim to work on Dr. Lee's behalf elsewhere.
    kim = await clinic.staff("Dr. Kim")
    own, _ = await individual(clinic, kim, "Sam Chen")
    with pytest.raises(Forbidden):
        await clinic.book(kim, own, at(2, 4, 10, 0), on_behalf_of=lee.id)


async def test_services_must_fit_the_case_kind_and_times_the_case(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    with pytest.raises(InvalidInput, match="consultation work") as e:
        await clinic.book(lee, case_id, at(2, 3, 10, 0), service="Consultation 60")
    assert e.value.field == "service_id"
    with pytest.raises(InvalidInput, match="opened on 2026-01-05"):
        await clinic.book(lee, case_id, at(1, 2, 10, 0))
    with pytest.raises(InvalidInput, match="does not exist"):
        await clinic.book(lee, case_id, at(3, 8, 2, 30))
    with pytest.raises(InvalidInput, match="5 minutes to 12 hours"):
        await clinic.book(lee, case_id, at(2, 3, 10, 0), minutes=2)
    # The service's default length applies unless another is given.
    booked = await clinic.book(lee, case_id, at(2, 3, 10, 0), minutes=80)
    assert (await clinic.appointment(booked.appointment_ids[0])).minutes == 80


async def test_only_the_owner_changes_the_services_offered(clinic):
    lee = await clinic.staff("Dr. Lee")
    with pytest.raises(Forbidden):
        await s.create_service(
            clinic.deps,
            lee,
            s.CreateService(name="X", service_line="psychotherapy", minutes=50, fee_minor=1),
        )
    with pytest.raises(InvalidInput, match="already has this name"):
        await s.create_service(
            clinic.deps,
            clinic.owner,
            s.CreateService(
                name="individual 50", service_line="psychotherapy", minutes=50, fee_minor=1
            ),
        )
    names = [x.name for x in await s.list_services(clinic.deps, lee)]
    assert names[:2] == ["Consultation 60", "Crisis"]


async def test_a_participant_booked_elsewhere_at_the_same_time_is_a_warning_not_a_refusal(clinic):
    lee = await clinic.staff("Dr. Lee")
    kim = await clinic.staff("Dr. Kim")
    sam = await clinic.person("Sam Chen")
    maya = await clinic.person("Maya Rivera")
    own = await clinic.case(CaseKind.INDIVIDUAL, kim, (sam, None))
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    await clinic.book(kim, own, at(2, 3, 10, 0))
    # Asked first: booked only when the person says so, then with the warning.
    with pytest.raises(s.ConfirmationNeeded, match="Sam Chen has another") as asked:
        await clinic.book(lee, couple, at(2, 3, 10, 30))
    assert asked.value.field == "despite_overlaps"
    assert asked.value.warnings == ["Sam Chen has another appointment at Tue 03 Feb 2026 10:00."]
    booked = await clinic.book(lee, couple, at(2, 3, 10, 30), despite_overlaps=True)
    assert booked.warnings == ["Sam Chen has another appointment at Tue 03 Feb 2026 10:00."]
    quiet = await clinic.book(lee, couple, at(2, 3, 12, 0))
    assert quiet.warnings == []


async def test_changing_a_series_from_its_first_session_changes_the_series_itself(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    booked = await clinic.book(lee, case_id, at(3, 3, 18, 0), repeat=s.Repeat(count=3))
    ids = booked.appointment_ids
    result = await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=ids[0],
            version=0,
            start=at(3, 4, 8, 30),  # Wednesday morning instead
            minutes=50,
            service_id=clinic.services["Individual 50"],
            scope=s.Scope.FOLLOWING,
        ),
    )
    assert result.series_id == booked.series_id
    async with clinic.deps.uow() as uow:
        sessions = await uow.appointments.in_series(booked.series_id)
        series = await uow.appointments.get_series(booked.series_id)
    tz = clinic.deps.tz
    assert [f"{a.start.astimezone(tz):%a %d %H:%M}" for a in sessions] == [
        "Wed 04 08:30",
        "Wed 11 08:30",
        "Wed 18 08:30",
    ]
    assert series.describe() == "Weekly on Wednesday at 08:30, 3 sessions"
    # Cancelling from the first session cancels them all.
    cancelled = await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=ids[0], version=1, scope=s.Scope.FOLLOWING),
    )
    assert sorted(cancelled.appointment_ids) == sorted(ids)


@pytest.mark.parametrize("other_booked_that_time", [True, False])
async def test_a_booking_that_lost_a_race_on_the_store_is_run_again_and_ends_precisely(
    clinic, other_booked_that_time
):
    """SQLite reports a writer that read before another committed as a conflict; a booking
    depends on no version the user read, so it runs again and sees what the other did."""
    lee = await clinic.staff("Dr. Lee")
    first, _ = await individual(clinic, lee)
    second, _ = await individual(clinic, lee, "Sam Chen")
    factory = memory_uow_factory(clinic.store)
    conflicts = []

    async def stale_once() -> None:
        if not conflicts:
            conflicts.append("stale")
            if other_booked_that_time:
                await clinic.book(lee, second, at(2, 3, 10, 0))
            raise ConcurrencyConflict()

    deps = replace(clinic.deps, uow=with_commit_hook(factory, stale_once))
    command = s.ScheduleAppointment(
        case_id=first, start=at(2, 3, 10, 15), service_id=clinic.services["Individual 50"]
    )
    if other_booked_that_time:
        with pytest.raises(DoubleBooking, match="from 10:00 to 10:50"):
            await s.schedule_appointment(deps, lee, command)
    else:
        await s.schedule_appointment(deps, lee, command)
    assert conflicts == ["stale"]
    async with clinic.deps.uow() as uow:
        booked = await uow.appointments.for_providers([lee.id], at_utc(2, 3, 0), at_utc(2, 4, 0))
    assert [(b.case_id, f"{b.start.astimezone(clinic.deps.tz):%H:%M}") for b in booked] == [
        (second, "10:00") if other_booked_that_time else (first, "10:15")
    ]


async def test_a_service_is_renamed_repriced_and_retired_and_a_retired_one_is_not_booked(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    service_id = clinic.services["Individual 50"]

    async def update(version: int, name: str, minutes: int, fee: int, **more) -> Service:
        return await s.update_service(
            clinic.deps,
            clinic.owner,
            s.UpdateService(
                service_id=service_id,
                version=version,
                name=name,
                service_line="psychotherapy",
                minutes=minutes,
                fee_minor=fee,
                **more,
            ),
        )

    changed = await update(0, "Individual 53", 53, 16000, billing_code="90837")
    assert (changed.name, changed.minutes, changed.fee.amount_minor) == ("Individual 53", 53, 16000)
    booked = await clinic.book(lee, case_id, at(2, 3, 10, 0))
    assert (await clinic.appointment(booked.appointment_ids[0])).minutes == 53
    with pytest.raises(ConcurrencyConflict):
        await update(0, "Stale", 50, 1)
    await update(1, "Individual 53", 53, 16000, active=False)
    assert "Individual 53" not in [x.name for x in await s.list_services(clinic.deps, lee)]
    everything = await s.list_services(clinic.deps, lee, include_inactive=True)
    assert "Individual 53" in [x.name for x in everything]
    with pytest.raises(InvalidInput, match="Choose one of the practice's services"):
        await clinic.book(lee, case_id, at(2, 4, 10, 0))
    with pytest.raises(InvalidInput, match="not part of a series"):
        await s.cancel_appointment(
            clinic.deps,
            lee,
            s.CancelAppointment(
                appointment_id=booked.appointment_ids[0], version=0, scope=s.Scope.FOLLOWING
            ),
        )


async def test_booking_a_series_audits_every_session_it_created(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id, _ = await individual(clinic, lee)
    booked = await clinic.book(lee, case_id, at(2, 3, 10, 0), repeat=s.Repeat(count=4))
    created = [
        e.record.object_id
        for e in clinic.practice.audit.entries
        if e.record.action.value == "create" and e.record.object_type == "appointment"
    ]
    assert created == booked.appointment_ids and len(created) == 4
