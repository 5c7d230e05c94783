"""Route handlers, one module per area of the UI."""

from __future__ import annotations

from adapters.web.controllers import (
    case_actions,
    cases,
    directory,
    new_case,
    schedule,
    schedule_appointment,
    schedule_case,
    schedule_feed,
    session,
    staff,
)

ROUTES = [
    *session.ROUTES,
    *new_case.ROUTES,
    *cases.ROUTES,
    *case_actions.ROUTES,
    *directory.ROUTES,
    *staff.ROUTES,
    *schedule.ROUTES,
    *schedule_appointment.ROUTES,
    *schedule_case.ROUTES,
    *schedule_feed.ROUTES,
]
