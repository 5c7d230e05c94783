"""Every route of the web UI, gathered from each context's package."""

from __future__ import annotations

from adapters.web.audit import log as audit_log
from adapters.web.cases.changes import CaseChanges
from adapters.web.cases.opening import CaseOpening
from adapters.web.cases.pages import CasePages
from adapters.web.directory import people, sign_in, staff
from adapters.web.scheduling import appointment, calendar, case_panel, feed

ROUTES = [
    *sign_in.ROUTES,
    CaseOpening,
    CasePages,
    CaseChanges,
    people.DIRECTORY,
    *staff.ROUTES,
    *calendar.ROUTES,
    *appointment.ROUTES,
    *case_panel.ROUTES,
    *feed.ROUTES,
    *audit_log.ROUTES,
]
