"""Booking a session, from a free slot of the calendar or from a case. A booking's warnings (a
session outside working hours...) wait in the session for the appointment page it goes to."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import get, post
from litestar.datastructures import MultiDict
from litestar.response import Redirect, Response, Template

from adapters.web.auth import StaffController
from adapters.web.edge import refuse_unsafe
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import ActorParam, AnyRequest, SchedDepsParam
from adapters.web.kit.rendering import form_errors, render, wants_fragment
from adapters.web.scheduling.calendar import EVERYONE, default_whose, whose_calendar
from adapters.web.scheduling.forms import BookForm, RepeatForm
from core.domain.cases.access import StaffActor
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.domain.shared.values import CaseId, StaffId
from core.services import directory, scheduling
from core.services.cases import views as case_views
from core.services.scheduling import views as schedule_views
from core.services.scheduling.deps import SchedulingDeps

WARNINGS = "schedule_warnings"  # session key: a booking's warnings, shown on the next page
CONFIRMATIONS = {
    "far_ahead_confirmed": "Tick this to book on that date, or correct the date.",
    "despite_overlaps": "Tick this to book anyway, or choose another time.",
}


async def _open_cases(deps: SchedulingDeps, actor: StaffActor, whose: str) -> list[Any]:
    """The cases a session can be booked for, in the calendar being worked in."""
    clinician = None if whose in ("", EVERYONE) else StaffId(UUID(whose))
    page = await case_views.list_cases(
        deps, actor, case_views.CaseFilter(clinician_id=clinician, open_only=True, per_page=200)
    )
    return page.items


async def _case_options(
    deps: SchedulingDeps, actor: StaffActor, raw_case: str
) -> schedule_views.BookingOptions | None:
    """What the chosen case offers; None, and the form says so, when it is not a case."""
    try:
        return await schedule_views.booking_options(deps, actor, CaseId(UUID(raw_case)))
    except (NotFound, ValueError):
        return None


def _fields(values: dict[str, Any]) -> MultiDict:
    """`values` (as re-rendered) read back as a form."""
    return MultiDict(
        [(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])]
    )


async def check(
    deps: SchedulingDeps, actor: StaffActor, fields: forms.Fields
) -> scheduling.BookingCheck | None:
    """What booking the form as it stands would ask to confirm (None while it is incomplete or
    refused: Book then says why, next to the field)."""
    try:
        typed = forms.read(fields, BookForm)
        repeat = forms.read(fields, RepeatForm).repeat() if typed.repeat else None
        return await scheduling.check_booking(deps, actor, typed.command(repeat))
    except DomainError:
        return None


async def booking_context(
    deps: SchedulingDeps,
    actor: StaffActor,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The form, with `values` (typed, or from the address), the chosen case's options, and
    what it would ask to confirm before Book."""
    errors = dict(errors or {})
    whose = whose_calendar(str(values.get("who") or ""))
    options = None
    raw_case = str(values.get("case_id") or "")
    if raw_case:
        options = await _case_options(deps, actor, raw_case)
        if options is None:
            errors.setdefault("case_id", "Choose one of the cases in the list.")
    values = dict(values)
    if options is not None:
        # A service typed for another case (the case was changed) gives way to this one's.
        if str(values.get("service_id") or "") not in {str(x.id) for x in options.services}:
            chosen = options.preselected_service_id
            values["service_id"] = str(chosen) if chosen else ""
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
    checked = None
    if options is not None and values.get("start"):
        checked = await check(deps, actor, _fields(values))
    return {
        "check": checked,
        "working_for": working_for,
        "actor": actor,
        "cases": await _open_cases(deps, actor, whose),
        "options": options,
        "values": values,
        "errors": errors,
        "whose": whose,
    }


def _booking_errors(exc: DomainError, form: forms.Fields) -> dict[str, str]:
    """A rule about the end is about the length typed; a rule about a field the form does not
    show goes on top (a series' fields are shown, even folded away)."""
    if exc.field in ("end", "minutes"):
        return {"minutes": exc.message}
    if isinstance(exc, scheduling.ConfirmationNeeded):  # the form shows what it is about
        asked = CONFIRMATIONS.get(exc.field or "", exc.message)
        return {exc.field or "_form": asked}
    if exc.field in ("start", "until") and exc.message.startswith("Enter a date"):
        # The browser shows its own date picker (and format): no pattern to copy.
        return {exc.field: "Enter the whole date" + (" and time." if exc.field == "start" else ".")}
    if exc.field not in form and exc.field not in ("until", "count", "every_weeks"):
        return {"_form": exc.message}
    return form_errors(exc)


def remember_warnings(request: AnyRequest, warnings: list[str]) -> None:
    if warnings and isinstance(request.session, dict):
        request.session[WARNINGS] = list(warnings)


def take_warnings(request: AnyRequest) -> list[str]:
    session = request.session if "session" in request.scope else {}
    found = session.pop(WARNINGS, None) if isinstance(session, dict) else None
    return [w for w in found or [] if isinstance(w, str)]


def go_to(request: AnyRequest, path: str) -> Response[Any]:
    """After a booking: htmx loads the new page in full (HX-Redirect), a plain post follows a
    303. Either way the booking's warnings wait in the session for that page."""
    if wants_fragment(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=303)


def _form_page(request: AnyRequest, context: dict[str, Any], status: int = 200) -> Template:
    return render(
        request,
        "scheduling/book.html",
        context,
        fragment="scheduling/_book_form.html",
        status=status,
    )


class Booking(StaffController):
    path = "/schedule/new"

    @get("")
    async def booking_form(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Template:
        values = forms.values(request.query_params)
        if "case" in values and "case_id" not in values:
            values["case_id"] = values.pop("case")
        values.setdefault("who", default_whose(actor) if "case_id" not in values else "")
        return _form_page(request, await booking_context(scheduling_deps, actor, values))

    @post("")
    async def book(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Response[Any]:
        deps = scheduling_deps
        form = await request.form()
        if forms.text(form, "step") == "choose":
            refuse_unsafe(form)  # form_action refuses it below; this answer comes before
            # Without JavaScript, choosing the case posts the form back to fill in its options
            # (a GET would carry the CSRF token into the address).
            return _form_page(request, await booking_context(deps, actor, forms.values(form)))

        async def run() -> scheduling.Booking:
            typed = forms.read(form, BookForm)
            repeat = forms.read(form, RepeatForm).repeat() if typed.repeat else None
            return await scheduling.schedule_appointment(deps, actor, typed.command(repeat))

        def done(booking: scheduling.Booking) -> Response[Any]:
            remember_warnings(request, booking.warnings)
            return go_to(request, f"/appointments/{booking.appointment_ids[0]}")

        async def again(refusal: Refusal) -> Response[Any]:
            errors = _booking_errors(refusal.error, form)
            context = await booking_context(deps, actor, forms.values(form), errors)
            return _form_page(request, context, refusal.status)

        return await form_action(form, run, done=done, again=again, conflict_status=422)

    @post("/check")
    async def check_form(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Template:
        """The form's fields changed: what Book would ask to confirm, as a fragment."""
        form = await request.form()
        refuse_unsafe(form)
        context = {
            "check": await check(scheduling_deps, actor, form),
            "values": forms.values(form),
            "errors": {},
        }
        return Template(template_name="scheduling/_book_check.html", context=context)
