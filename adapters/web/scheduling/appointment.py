"""One appointment: its expected participants with attendance buttons, status, billing codes,
supervision and series, and the changes to it. Every change answers htmx with the page's panel
updated in place and a plain post with a redirect back; a refused one re-renders the panel
(422) with the message next to its form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template

from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, PathStr, SchedDepsParam
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import render, wants_fragment
from adapters.web.scheduling.calendar import (
    remember_warnings,
    service_choices,
    session_details,
    take_warnings,
)
from core.domain.cases.access import StaffActor
from core.domain.scheduling.appointments import AppointmentStatus, Attendance
from core.domain.shared.errors import (
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from core.domain.shared.values import PersonId
from core.services import billing, scheduling
from core.services.billing.views import codes as billing_codes
from core.services.scheduling import views as schedule_views
from core.services.scheduling.deps import SchedulingDeps

ATTENDANCE_BUTTONS = [(a.value, a.label.capitalize()) for a in Attendance]
STATUS_OPTIONS = [(s.value, s.label) for s in AppointmentStatus]


async def appointment_context(
    deps: SchedulingDeps,
    actor: StaffActor,
    appointment_id: UUID,
    *,
    form: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    page = await schedule_views.appointment_page(deps, actor, appointment_id)
    can = set(page.permissions)
    options = None
    if "manage_case" in can:
        options = await schedule_views.booking_options(deps, actor, page.case_id)
    edit = {
        "start": page.start.strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(page.minutes),
        "service_id": str(page.service_id),
        "provider_ids": [str(p.id) for p in page.providers],
        "location": page.location,
        "telehealth": "on" if page.telehealth else "",
        "supervisor_id": (
            str(page.supervision.supervisor.id)
            if page.supervision and page.supervision.source == "this appointment"
            else ""
        ),
    }
    return {
        "actor": actor,
        "a": page,
        "codes": await billing_codes.appointment_codes(deps, actor, appointment_id),
        "can": can,
        "options": options,
        "service_choices": service_choices(options.services if options else []),
        "form": form,
        "errors": errors or {},
        "values": values if values is not None else edit,
        "warnings": warnings or [],
        "ATTENDANCE_BUTTONS": ATTENDANCE_BUTTONS,
        "STATUS_OPTIONS": STATUS_OPTIONS,
    }


@get("/appointments/{appointment_id:str}")
async def appointment_page(
    request: Request[Any, Any, Any],
    scheduling_deps: SchedDepsParam,
    actor: ActorParam,
    appointment_id: PathStr,
) -> Template:
    context = await appointment_context(
        scheduling_deps,
        actor,
        path_id(appointment_id, "appointment"),
        warnings=take_warnings(request),
    )
    return render(
        request, "scheduling/appointment.html", context, fragment="scheduling/_appointment.html"
    )


Action = Callable[[SchedulingDeps, StaffActor, UUID, FormMultiDict], Awaitable[list[str]]]


def _route(path: str, form_name: str, action: Action) -> Any:
    """A POST on one appointment running `action` (which returns warnings to show)."""

    async def handler(
        request: Request[Any, Any, Any],
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathStr,
    ) -> Template | Redirect:
        aid = path_id(appointment_id, "appointment")
        form = await request.form()
        try:
            warnings = await action(scheduling_deps, actor, aid, form)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            field = exc.field if exc.field and exc.field in form else "_form"
            message = exc.message
            if isinstance(exc, ConcurrencyConflict):
                message = "Someone changed this appointment meanwhile; here it is as it is now."
            context = await appointment_context(
                scheduling_deps,
                actor,
                aid,
                form=form_name,
                errors={field: message},
                values=None if isinstance(exc, ConcurrencyConflict) else forms.values(form),
            )
            return render(
                request,
                "scheduling/appointment.html",
                context,
                fragment="scheduling/_appointment.html",
                status=422,
            )
        if wants_fragment(request):
            context = await appointment_context(scheduling_deps, actor, aid, warnings=warnings)
            return render(
                request,
                "scheduling/appointment.html",
                context,
                fragment="scheduling/_appointment.html",
            )
        remember_warnings(request, warnings)
        return Redirect(path=f"/appointments/{aid}", status_code=303)

    handler.__name__ = f"appointment_{form_name}"
    return post(f"/appointments/{{appointment_id:str}}{path}", name=f"appointment_{form_name}")(
        handler
    )


def _version(form: FormMultiDict) -> int:
    version = forms.optional_int(form, "version", 0, 2**31)
    if version is None:
        raise InvalidInput("Reload the page and try again.", field="version")
    return version


def _on_behalf(form: FormMultiDict) -> Any:
    return forms.optional_uuid(form, "on_behalf_of", "a clinician")


async def _attendance(deps, actor, aid, form) -> list[str]:
    person = PersonId(forms.required_uuid(form, "person_id", "a participant"))
    mark = forms.optional_choice(form, "mark", Attendance, "an attendance mark")
    await scheduling.record_attendance(
        deps,
        actor,
        scheduling.RecordAttendance(
            appointment_id=aid, marks={person: mark}, on_behalf_of=_on_behalf(form)
        ),
    )
    return []


async def _status(deps, actor, aid, form) -> list[str]:
    await scheduling.set_status(
        deps,
        actor,
        scheduling.SetStatus(
            appointment_id=aid,
            version=_version(form),
            status=forms.choice(form, "status", AppointmentStatus, "a status"),
            on_behalf_of=_on_behalf(form),
        ),
    )
    return []


def _code_lines(raw: str) -> tuple[billing.CodeInput, ...]:
    """ "90853 x3, 90847": codes separated by commas, each with an optional number of units
    (how many a code may have is the core's rule)."""
    lines = []
    for part in raw.split(","):
        words = part.split()
        if not words:
            continue
        units: int | None = 1
        if len(words) == 2 and words[1][:1].lower() == "x":
            units = forms.digits(words[1][1:])
        elif len(words) != 1:
            units = None
        if units is None:
            raise InvalidInput(
                "Write codes like 90847, or 90853 x3 for three units.", field="codes"
            )
        lines.append(billing.CodeInput(code=words[0][:16], units=units))
    return tuple(lines)


async def _codes(deps, actor, aid, form) -> list[str]:
    own = forms.text(form, "codes").strip() if forms.text(form, "choice") == "own" else None
    try:
        await billing.confirm_codes(
            deps,
            actor,
            billing.ConfirmCodes(
                appointment_id=aid,
                version=_version(form),
                codes=None if own is None else _code_lines(own),
            ),
        )
    except InvalidInput as exc:
        if own is not None and exc.field in ("code", "units", "person_id"):
            raise InvalidInput(exc.message, field="codes") from None  # one field holds them all
        raise
    return []


async def _change(deps, actor, aid, form) -> list[str]:
    details = session_details(form)
    minutes = details.pop("minutes")
    if minutes is None:
        raise InvalidInput("Enter the length in minutes.", field="minutes")
    booking = await scheduling.change_appointment(
        deps,
        actor,
        scheduling.ChangeAppointment(
            appointment_id=aid,
            version=_version(form),
            minutes=minutes,
            scope=forms.optional_choice(form, "scope", scheduling.Scope, "which sessions")
            or scheduling.Scope.THIS,
            **details,
        ),
    )
    return booking.warnings


async def _cancel(deps, actor, aid, form) -> list[str]:
    await scheduling.cancel_appointment(
        deps,
        actor,
        scheduling.CancelAppointment(
            appointment_id=aid,
            version=_version(form),
            scope=forms.optional_choice(form, "scope", scheduling.Scope, "which sessions")
            or scheduling.Scope.THIS,
            late=forms.flag(form, "late"),
            on_behalf_of=_on_behalf(form),
        ),
    )
    return []


ROUTES = [
    appointment_page,
    _route("/attendance", "attendance", _attendance),
    _route("/status", "status", _status),
    _route("/codes", "codes", _codes),
    _route("/change", "change", _change),
    _route("/cancel", "cancel", _cancel),
]
