"""The calendar: the week of one clinician or a day of a page of clinicians as a time grid
(calendar_grid.py), the week of several clinicians as a compact table (calendar_week.py); a free
slot links to booking (scheduling/booking.py). Moving through weeks swaps only the calendar
(htmx) and keeps the address, so every view can be bookmarked and works without JavaScript."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, SchedDepsParam
from adapters.web.kit.rendering import render
from adapters.web.scheduling.calendar_grid import Column, fill
from adapters.web.scheduling.calendar_week import compact_week
from adapters.web.scheduling.forms import CalendarQuery
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import StaffId
from core.services.scheduling import views as schedule_views
from core.services.scheduling.views.calendar import CalendarView

EVERYONE = "all"
# Clinicians a page: columns of a practice day (they fit a tablet), rows of the compact week (a
# laptop's screenful; fifty took 60 ms of server CPU and 115 KB at the bench's large tier).
DAY_PAGE, WEEK_PAGE = 12, 25


def default_whose(actor: StaffActor) -> str:
    """A clinician starts in their own calendar, an administrator in the calendar of the
    clinician she supports (of all of them when she supports several), the owner in the whole
    practice."""
    if actor.has(StaffRole.CLINICIAN):
        return str(actor.id)
    if len(actor.supports) == 1:
        return str(next(iter(actor.supports)))
    return EVERYONE


def whose_calendar(raw: str, actor: StaffActor | None = None) -> str:
    """A staff id (as text) or EVERYONE; empty: the actor's default (or "" without one)."""
    whose = raw.strip() or (default_whose(actor) if actor else "")
    if whose in ("", EVERYONE):
        return whose
    try:
        return str(UUID(whose))
    except ValueError:
        raise InvalidInput("Choose a clinician from the list.", field="who") from None


@dataclass(frozen=True)
class CalendarParams:
    start: date
    days: int
    whose: str  # a staff id or EVERYONE
    find: str = ""
    page: int = 1

    @property
    def provider_ids(self) -> tuple[StaffId, ...] | None:
        return None if self.whose == EVERYONE else (StaffId(UUID(self.whose)),)

    @property
    def page_size(self) -> int | None:
        if self.whose != EVERYONE:
            return None
        return DAY_PAGE if self.days == 1 else WEEK_PAGE

    def link(self, **changes: Any) -> str:
        """This calendar's address with `changes`; the page is dropped unless given (another
        day or week keeps it, another view has pages of another size)."""
        return _link(self, tuple(sorted((k, str(v)) for k, v in changes.items())))


@functools.lru_cache(maxsize=1024)
def _link(p: CalendarParams, changes: tuple[tuple[str, str], ...]) -> str:
    """Memoized: the compact week asks for the same few day links in every row."""
    changed = dict(changes)
    values = {"view": "day" if p.days == 1 else "week", "start": p.start.isoformat()}
    values["who"] = p.whose
    if p.whose == EVERYONE:
        if p.find:
            values["find"] = p.find
        if "view" not in changed and p.page > 1:
            values["page"] = str(p.page)
    values.update(changed)
    return "/schedule?" + urlencode(values)


def calendar_params(request: AnyRequest, actor: StaffActor, today: date) -> CalendarParams:
    query = forms.read(request.query_params, CalendarQuery)
    days = 1 if query.view == "day" else 7
    start = query.start or today
    if days == 7:
        start -= timedelta(days=start.weekday())  # weeks start on Monday
    return CalendarParams(
        start=start,
        days=days,
        whose=whose_calendar(query.who, actor),
        find=query.find.strip(),
        page=query.page,
    )


def columns(view: CalendarView, p: CalendarParams) -> list[Column]:
    """The time grid's columns: a clinician each in a day of several, else a day each."""
    if p.days == 1 and p.whose == EVERYONE:
        result = []
        for ref in view.providers:
            mine = [e for d in view.days for e in d.entries if ref in e.providers]
            column = Column(ref.name, p.start, str(ref.id), key=f"c-{ref.id}")
            result.append(fill(column, mine, view.hours))
        return result
    provider = None if p.whose == EVERYONE else p.whose
    return [
        fill(Column(f"{d.day:%a %d %b}", d.day, provider), d.entries, view.hours) for d in view.days
    ]


def _whose_name(view: CalendarView, p: CalendarParams) -> str | None:
    if p.whose == EVERYONE:
        return None
    return next((s.name for s in view.choosable if str(s.id) == p.whose), None)


class CalendarPages(StaffController):
    path = "/schedule"

    @get("")
    async def calendar_page(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Template:
        deps = scheduling_deps
        today = deps.clock.today()
        p = calendar_params(request, actor, today)
        compact = p.whose == EVERYONE and p.days == 7
        query = schedule_views.CalendarQuery(
            start_day=p.start,
            days=p.days,
            provider_ids=p.provider_ids,
            find=p.find,
            page=p.page,
            page_size=p.page_size,
            sessions=not compact,
        )
        view = await schedule_views.calendar(deps, actor, query)
        context = {
            "actor": actor,
            "view": view,
            "p": p,
            "columns": [] if compact else columns(view, p),
            "week_rows": compact_week(view) if compact else [],
            "day_page": DAY_PAGE,
            "today": today,
            "whose_name": _whose_name(view, p),
            "on_behalf": p.whose not in (EVERYONE, str(actor.id)),
            "EVERYONE": EVERYONE,
        }
        return render(
            request, "scheduling/calendar.html", context, fragment="scheduling/_calendar.html"
        )
