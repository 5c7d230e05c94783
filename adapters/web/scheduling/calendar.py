"""The calendar (day and week, one clinician or the whole practice) and booking a session from a
free slot. Moving through weeks swaps only the calendar (htmx) and keeps the address, so every
view can be bookmarked and works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, get, post
from litestar.response import Redirect, Response, Template

from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, SchedDepsParam
from adapters.web.kit.rendering import form_errors, render, wants_fragment
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import CaseId, StaffId
from core.services import directory, scheduling
from core.services.cases import views as case_views
from core.services.scheduling import views as schedule_views
from core.services.scheduling.views.calendar import CalendarEntry, CalendarView

FIRST_HOUR, LAST_HOUR = 7, 21  # rows of the grid; sessions outside them are listed apart
WARNINGS = "schedule_warnings"  # session key: a booking's warnings, shown on the next page
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


def calendar_params(
    request: Request[Any, Any, Any], actor: StaffActor, today: date
) -> CalendarParams:
    q = request.query_params
    days = 1 if forms.text(q, "view") == "day" else 7
    start = forms.optional_date(q, "start") or today
    if days == 7:
        start -= timedelta(days=start.weekday())  # weeks start on Monday
    whose = forms.text(q, "who").strip() or default_whose(actor)
    if whose != EVERYONE:
        whose = str(forms.parse_uuid(whose, "who", "a clinician"))
    return CalendarParams(start=start, days=days, whose=whose)


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


@get("/schedule")
async def calendar_page(
    request: Request[Any, Any, Any], scheduling_deps: SchedDepsParam, actor: ActorParam
) -> Template:
    deps = scheduling_deps
    today = deps.clock.today()
    p = calendar_params(request, actor, today)
    view = await schedule_views.calendar(
        deps,
        actor,
        schedule_views.CalendarQuery(start_day=p.start, days=p.days, provider_ids=p.provider_ids),
    )
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


# ----- booking ------------------------------------------------------------------------------------


def local_start(form: forms.Fields, name: str = "start") -> datetime:
    """A `datetime-local` value ("2026-03-03T18:00"): a wall-clock time in the practice."""
    raw = forms.text(form, name).strip()
    if not raw:
        raise InvalidInput("Enter the date and time of the session.", field=name)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter a date and time as YYYY-MM-DD HH:MM.", field=name) from None
    return value.replace(tzinfo=None, second=0, microsecond=0)


def session_details(form: forms.Fields) -> dict[str, Any]:
    """The fields booking and changing share, read into the core's command fields."""
    supervisor = forms.optional_uuid(form, "supervisor_id", "a supervisor")
    on_behalf = forms.optional_uuid(form, "on_behalf_of", "a clinician")
    return {
        "start": local_start(form),
        "minutes": forms.optional_int(form, "minutes", 1, 24 * 60),
        "service_id": forms.required_uuid(form, "service_id", "a service"),
        "provider_ids": tuple(StaffId(u) for u in forms.uuids(form, "provider_ids", "a provider")),
        "location": forms.text(form, "location"),
        "telehealth": forms.flag(form, "telehealth"),
        "supervisor_id": StaffId(supervisor) if supervisor else None,
        "on_behalf_of": StaffId(on_behalf) if on_behalf else None,
    }


def _repeat(form: forms.Fields) -> scheduling.Repeat | None:
    if not forms.flag(form, "repeat"):
        return None
    return scheduling.Repeat(
        every_weeks=forms.optional_int(form, "every_weeks", 1, 52) or 1,
        until=forms.optional_date(form, "until"),
        count=forms.optional_int(form, "count", 1, 1000),
    )


async def _open_cases(deps: SchedDepsParam, actor: StaffActor, whose: str) -> list[Any]:
    """The cases a session can be booked for, in the calendar being worked in."""
    clinician = None if whose in ("", EVERYONE) else StaffId(UUID(whose))
    page = await case_views.list_cases(
        deps, actor, case_views.CaseFilter(clinician_id=clinician, open_only=True, per_page=200)
    )
    return page.items


async def booking_context(
    deps: SchedDepsParam,
    actor: StaffActor,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    errors = dict(errors or {})
    whose = str(values.get("who") or "")
    if whose and whose != EVERYONE:
        whose = str(forms.parse_uuid(whose, "who", "a clinician"))
    options = None
    raw_case = str(values.get("case_id") or "")
    if raw_case:
        try:
            options = await schedule_views.booking_options(
                deps, actor, CaseId(forms.parse_uuid(raw_case, "case_id", "a case"))
            )
        except (NotFound, InvalidInput):
            errors.setdefault("case_id", "Choose one of the cases in the list.")
    values = dict(values)
    if options is not None:
        values.setdefault("service_id", str(options.services[0].id) if options.services else "")
        if options.default_provider_id and not values.get("provider_ids"):
            values["provider_ids"] = str(options.default_provider_id)
        if options.on_behalf_of and not values.get("on_behalf_of"):
            values["on_behalf_of"] = str(options.on_behalf_of.id)
    working_for = None
    if whose and whose not in (EVERYONE, str(actor.id)):
        values.setdefault("on_behalf_of", whose)
        try:
            staff = await directory.list_staff(deps, actor)
        except Forbidden:  # the core still decides on the booking itself
            staff = []
        working_for = next((x.name for x in staff if str(x.id) == whose), None)
    return {
        "working_for": working_for,
        "actor": actor,
        "cases": await _open_cases(deps, actor, whose),
        "options": options,
        "service_choices": service_choices(options.services if options else []),
        "values": values,
        "errors": errors,
        "whose": whose,
    }


def service_choices(services: list[Any]) -> list[tuple[str, str]]:
    return [
        (
            str(s.id),
            f"{s.name} · {s.minutes} min" + (f" · {s.billing_code}" if s.billing_code else ""),
        )
        for s in services
    ]


@get("/schedule/new")
async def booking_form(
    request: Request[Any, Any, Any], scheduling_deps: SchedDepsParam, actor: ActorParam
) -> Template:
    values = forms.values(request.query_params)
    if "case" in values and "case_id" not in values:
        values["case_id"] = values.pop("case")
    values.setdefault("who", default_whose(actor) if "case_id" not in values else "")
    context = await booking_context(scheduling_deps, actor, values)
    return render(request, "scheduling/book.html", context, fragment="scheduling/_book_form.html")


def remember_warnings(request: Request[Any, Any, Any], warnings: list[str]) -> None:
    if warnings and isinstance(request.session, dict):
        request.session[WARNINGS] = list(warnings)


def take_warnings(request: Request[Any, Any, Any]) -> list[str]:
    session = request.session if "session" in request.scope else {}
    found = session.pop(WARNINGS, None) if isinstance(session, dict) else None
    return [w for w in found or [] if isinstance(w, str)]


def go_to(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """After a booking: htmx loads the new page in full (HX-Redirect), a plain post follows a
    303. Either way the booking's warnings wait in the session for that page."""
    if wants_fragment(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=303)


@post("/schedule/new")
async def book(
    request: Request[Any, Any, Any], scheduling_deps: SchedDepsParam, actor: ActorParam
) -> Template | Response[Any]:
    form = await request.form()
    if forms.text(form, "step") == "choose":
        # Without JavaScript, choosing the case posts the form back to fill in its options
        # (a GET would carry the CSRF token into the address).
        context = await booking_context(scheduling_deps, actor, forms.values(form))
        return render(
            request, "scheduling/book.html", context, fragment="scheduling/_book_form.html"
        )
    try:
        case_id = CaseId(forms.required_uuid(form, "case_id", "a case"))
        booking = await scheduling.schedule_appointment(
            scheduling_deps,
            actor,
            scheduling.ScheduleAppointment(
                case_id=case_id, repeat=_repeat(form), **session_details(form)
            ),
        )
    except (NotFound, Forbidden):
        raise  # a case one may not see, or a calendar one does not work in: 404 / 403
    except DomainError as exc:
        errors = form_errors(exc)
        if exc.field in ("end", "minutes"):
            errors = {"minutes": exc.message}
        elif exc.field not in form and exc.field not in ("until", "count", "every_weeks"):
            errors = {"_form": exc.message}
    else:
        remember_warnings(request, booking.warnings)
        return go_to(request, f"/appointments/{booking.appointment_ids[0]}")
    context = await booking_context(scheduling_deps, actor, forms.values(form), errors)
    return render(
        request, "scheduling/book.html", context, fragment="scheduling/_book_form.html", status=422
    )


ROUTES = [calendar_page, booking_form, book]
