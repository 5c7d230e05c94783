"""The dates a schedule accepts: outside 1900-2199 every use case and view answers with a
message on the field, never an OverflowError; the attendance grid has a bounded range."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.series import Recurrence
from core.domain.scheduling.times import LAST_DAY, check_day
from core.domain.shared.errors import InvalidInput
from core.services import scheduling as s
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at


@pytest.fixture
async def clinic() -> Clinic:
    return await Clinic().setup()


async def individual(clinic: Clinic, provider):
    person = await clinic.person("Maya Rivera")
    return await clinic.case(CaseKind.INDIVIDUAL, provider, (person, None))


@pytest.mark.parametrize("day", [date.min, date(1899, 12, 31), date(2200, 1, 1), date.max])
def test_days_outside_the_schedules_range_are_refused_on_their_field(day):
    with pytest.raises(InvalidInput, match="from 1900-01-01 to 2199-12-31") as e:
        check_day(day, "start")
    assert e.value.field == "start"
    with pytest.raises(InvalidInput) as e:
        Recurrence(until=day)
    assert e.value.field == "until"


@pytest.mark.parametrize(
    "start",
    [
        datetime(9999, 12, 31, 23, 30),  # New York to UTC would pass the year 9999
        datetime(1, 1, 1, 0, 0),
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2200, 1, 1, 10, 0),
    ],
)
async def test_booking_and_changing_outside_the_range_is_a_message_on_start(clinic, start):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    with pytest.raises(InvalidInput, match="Choose a date from") as e:
        await clinic.book(lee, case_id, start)
    assert e.value.field == "start"
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    with pytest.raises(InvalidInput, match="Choose a date from") as e:
        await s.change_appointment(
            clinic.deps,
            lee,
            s.ChangeAppointment(
                appointment_id=aid,
                version=0,
                start=start,
                minutes=50,
                service_id=clinic.services["Individual 50"],
            ),
        )
    assert e.value.field == "start"


async def test_a_series_running_past_the_range_is_refused(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    with pytest.raises(InvalidInput, match="A series ends by 2199-12-31") as e:
        await clinic.book(lee, case_id, datetime(2199, 12, 1, 10, 0), repeat=s.Repeat(count=10))
    assert e.value.field == "count"
    booked = await clinic.book(
        lee,
        case_id,
        datetime(2199, 12, 1, 10, 0),
        repeat=s.Repeat(until=LAST_DAY),
        far_ahead_confirmed=True,  # asked, as for any session over 18 months ahead
    )
    assert len(booked.appointment_ids) == 5


@pytest.mark.parametrize("days", [1, 7])
@pytest.mark.parametrize("start_day", [date.min, date(1, 1, 1), date(9999, 12, 27), date.max])
async def test_the_calendar_refuses_days_outside_the_range(clinic, start_day, days):
    lee = await clinic.staff("Dr. Lee")
    with pytest.raises(InvalidInput) as e:
        await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=start_day, days=days))
    assert e.value.field == "start"
    edge = await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=LAST_DAY, days=days))
    assert edge.days[0].day == LAST_DAY


async def test_the_attendance_grid_refuses_extreme_days_and_over_long_ranges(clinic):
    lee = await clinic.staff("Dr. Lee")
    case_id = await individual(clinic, lee)
    for first, last, field in (
        (date(1, 1, 1), date(2026, 1, 1), "from"),
        (date(2026, 1, 1), date(9999, 12, 31), "to"),
        (date(2025, 1, 1), date(2026, 1, 2), "to"),  # 367 days
        (date(2026, 1, 1), date(2024, 1, 1), "to"),  # reversed, still two years
    ):
        with pytest.raises(InvalidInput) as e:
            await v.attendance_grid(clinic.deps, lee, case_id, first, last)
        assert e.value.field == field, (first, last)
    year = await v.attendance_grid(clinic.deps, lee, case_id, date(2025, 1, 1), date(2026, 1, 1))
    assert (year.start_day, year.end_day) == (date(2025, 1, 1), date(2026, 1, 1))
