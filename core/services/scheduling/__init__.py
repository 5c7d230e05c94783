"""The scheduling context: services, booking, changes, attendance, codes, feeds."""

from core.services.scheduling.attendance import (
    RecordAttendance,
    SetStatus,
    record_attendance,
    set_status,
)
from core.services.scheduling.booking import (
    Repeat,
    ScheduleAppointment,
    SessionDetails,
    schedule_appointment,
)
from core.services.scheduling.changes import (
    CancelAppointment,
    ChangeAppointment,
    cancel_appointment,
    change_appointment,
)
from core.services.scheduling.deps import SchedulingDeps, when
from core.services.scheduling.offerings import (
    CreateService,
    ServiceDetails,
    UpdateService,
    create_service,
    get_service,
    list_services,
    services_for,
    update_service,
)
from core.services.scheduling.steps import (
    ATTEMPTS,
    Booking,
    Scope,
    check_overlaps,
    hold_open,
    load,
    participant_warnings,
    retrying,
    series_of,
    usable_service,
)

__all__ = [
    "ATTEMPTS",
    "Booking",
    "CancelAppointment",
    "ChangeAppointment",
    "CreateService",
    "RecordAttendance",
    "Repeat",
    "ScheduleAppointment",
    "SchedulingDeps",
    "Scope",
    "ServiceDetails",
    "SessionDetails",
    "SetStatus",
    "UpdateService",
    "cancel_appointment",
    "change_appointment",
    "check_overlaps",
    "create_service",
    "get_service",
    "hold_open",
    "list_services",
    "load",
    "participant_warnings",
    "record_attendance",
    "retrying",
    "schedule_appointment",
    "series_of",
    "services_for",
    "set_status",
    "update_service",
    "usable_service",
    "when",
]
