"""Scheduling: services, appointments and attendance, recurring series, calendar feeds."""

from core.domain.scheduling.appointments import (
    MAX_PROVIDERS,
    SLOT_HOLDING,
    Appointment,
    AppointmentStatus,
    Attendance,
    ChangeMark,
    DoubleBooking,
    find_double_booking,
)
from core.domain.scheduling.series import MAX_OCCURRENCES, Recurrence, Series, expand
from core.domain.scheduling.services import MAX_MINUTES, MIN_MINUTES, Service, check_minutes
from core.domain.scheduling.times import (
    FIRST_DAY,
    LAST_DAY,
    aware_utc,
    check_day,
    local_date,
    overlaps,
    start_of_day,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_MINUTES",
    "MAX_OCCURRENCES",
    "MAX_PROVIDERS",
    "MIN_MINUTES",
    "SLOT_HOLDING",
    "Appointment",
    "AppointmentStatus",
    "Attendance",
    "ChangeMark",
    "DoubleBooking",
    "Recurrence",
    "Series",
    "Service",
    "aware_utc",
    "check_day",
    "check_minutes",
    "expand",
    "find_double_booking",
    "local_date",
    "overlaps",
    "start_of_day",
]
