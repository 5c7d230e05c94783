"""Every route of the web UI, gathered from each context's package."""

from __future__ import annotations

from adapters.web.audit import log as audit_log
from adapters.web.cases import actions, new_case, pages
from adapters.web.directory import people, sign_in, staff
from adapters.web.scheduling import appointment, calendar, case_panel, feed

ROUTES = [
    *sign_in.ROUTES,
    *new_case.ROUTES,
    *pages.ROUTES,
    *actions.ROUTES,
    *people.ROUTES,
    *staff.ROUTES,
    *calendar.ROUTES,
    *appointment.ROUTES,
    *case_panel.ROUTES,
    *feed.ROUTES,
    *audit_log.ROUTES,
]
