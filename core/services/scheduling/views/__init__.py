"""Read models of scheduling, one module per screen."""

from core.services.scheduling.views.appointment_page import (
    AppointmentPage,
    ChangeView,
    LoadedAppointment,
    ParticipantAttendance,
    SeriesSession,
    SeriesView,
    SupervisionView,
    appointment_page,
    load_appointment_page,
)
from core.services.scheduling.views.attendance_grid import (
    AttendanceGrid,
    GridRow,
    GridSession,
    attendance_grid,
)
from core.services.scheduling.views.booking_form import (
    BookingOptions,
    ServiceOption,
    booking_options,
    case_booking_options,
)
from core.services.scheduling.views.calendar import (
    CalendarDay,
    CalendarEntry,
    CalendarQuery,
    CalendarView,
    DayHours,
    calendar,
)
from core.services.scheduling.views.case_defaults import CaseDefaults, MemberChoice, case_defaults
from core.services.scheduling.views.case_schedule import (
    CaseSchedule,
    SchedulePanel,
    SessionSummary,
    case_schedule_summary,
    schedule_panel,
)
from core.services.scheduling.views.refs import (
    MAX_DAYS,
    MAX_GRID_DAYS,
    StaffRef,
    ref,
    service_name,
)
from core.services.shared.use_case import View

__all__ = [
    "MAX_DAYS",
    "MAX_GRID_DAYS",
    "AppointmentPage",
    "AttendanceGrid",
    "BookingOptions",
    "CalendarDay",
    "CalendarEntry",
    "CalendarQuery",
    "CalendarView",
    "CaseDefaults",
    "CaseSchedule",
    "ChangeView",
    "DayHours",
    "GridRow",
    "GridSession",
    "LoadedAppointment",
    "MemberChoice",
    "ParticipantAttendance",
    "SchedulePanel",
    "SeriesSession",
    "SeriesView",
    "ServiceOption",
    "SessionSummary",
    "StaffRef",
    "SupervisionView",
    "View",
    "appointment_page",
    "attendance_grid",
    "booking_options",
    "calendar",
    "case_booking_options",
    "case_defaults",
    "case_schedule_summary",
    "load_appointment_page",
    "ref",
    "schedule_panel",
    "service_name",
]
