"""The calendar (day and week, one clinician or the whole practice); a free slot links to
booking (scheduling/booking.py). Moving through weeks swaps only the calendar (htmx) and keeps
the address, so every view can be bookmarked and works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, SchedDepsParam
from adapters.web.kit.rendering import render
from adapters.web.scheduling.forms import CalendarQuery
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import StaffId
from core.services.scheduling import views as schedule_views
from core.services.scheduling.views.calendar import CalendarEntry, CalendarView

FIRST_HOUR, LAST_HOUR = 7, 21  # rows of the grid; sessions outside them are listed apart
EVERYONE = "all"


# ----- reading the query --------------------------------------------------------------------------


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

    @property
    def provider_ids(self) -> tuple[StaffId, ...] | None:
        return None if self.whose == EVERYONE else (StaffId(UUID(self.whose)),)

    def link(self, **changes: Any) -> str:
        values = {"view": "day" if self.days == 1 else "week", "start": self.start.isoformat()}
        values["who"] = self.whose
        values.update({k: str(v) for k, v in changes.items()})
        return "/schedule?" + urlencode(values)


def calendar_params(request: AnyRequest, actor: StaffActor, today: date) -> CalendarParams:
    query = forms.read(request.query_params, CalendarQuery)
    days = 1 if query.view == "day" else 7
    start = query.start or today
    if days == 7:
        start -= timedelta(days=start.weekday())  # weeks start on Monday
    return CalendarParams(start=start, days=days, whose=whose_calendar(query.who, actor))


# ----- the grid -----------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of the grid: a day (week view) or a clinician (practice day view)."""

    title: str
    day: date
    provider: str | None  # the clinician a free slot books for; None: chosen on the form
    before: list[CalendarEntry] = field(default_factory=list)
    hours: dict[int, list[CalendarEntry]] = field(default_factory=dict)
    busy: set[int] = field(default_factory=set)  # hours some session overlaps
    after: list[CalendarEntry] = field(default_factory=list)

    def place(self, e: CalendarEntry) -> None:
        if e.start.hour < FIRST_HOUR:
            self.before.append(e)
        elif e.start.hour >= LAST_HOUR:
            self.after.append(e)
        else:
            self.hours.setdefault(e.start.hour, []).append(e)
        if e.status in ("cancelled", "late_cancelled"):
            return
        end_hour = e.end.hour + (1 if e.end.minute else 0) if e.end.date() == e.start.date() else 24
        self.busy.update(range(e.start.hour, end_hour))


def grid(view: CalendarView, p: CalendarParams) -> list[Column]:
    if p.days == 1 and len(view.providers) > 1:
        columns = {ref.id: Column(ref.name, p.start, str(ref.id)) for ref in view.providers}
        for d in view.days:
            for e in d.entries:
                for ref in e.providers:
                    if ref.id in columns:
                        columns[ref.id].place(e)
        return list(columns.values())
    provider = None if p.whose == EVERYONE else p.whose
    result = []
    for d in view.days:
        col = Column(f"{d.day:%a %d %b}", d.day, provider)
        for e in d.entries:
            col.place(e)
        result.append(col)
    return result


def slot_link(col: Column, hour: int, p: CalendarParams) -> str:
    values = {"start": datetime.combine(col.day, time(hour)).strftime("%Y-%m-%dT%H:%M")}
    if col.provider:
        values["who"] = col.provider
    return "/schedule/new?" + urlencode(values)


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
        query = schedule_views.CalendarQuery(
            start_day=p.start, days=p.days, provider_ids=p.provider_ids
        )
        view = await schedule_views.calendar(deps, actor, query)
        context = {
            "actor": actor,
            "view": view,
            "p": p,
            "columns": grid(view, p),
            "hours": range(FIRST_HOUR, LAST_HOUR),
            "today": today,
            "whose_name": _whose_name(view, p),
            "on_behalf": p.whose not in (EVERYONE, str(actor.id)),
            "slot_link": slot_link,
            "EVERYONE": EVERYONE,
            "this_week": p.link(start=today),
        }
        return render(
            request, "scheduling/calendar.html", context, fragment="scheduling/_calendar.html"
        )
