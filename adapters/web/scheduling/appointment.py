"""One appointment: its expected participants with attendance buttons, status, billing codes,
supervision and series, and the changes to it. Every change answers htmx with the page's panel
updated in place and a plain post with a redirect back; a refused one re-renders the panel
(422) with the message next to its form. A stale version is refused with 422 too, and the panel
shows the appointment as it is now instead of what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, SchedDepsParam
from adapters.web.kit.rendering import render, wants_fragment
from adapters.web.scheduling.booking import remember_warnings, take_warnings
from adapters.web.scheduling.forms import (
    AttendanceForm,
    CancelForm,
    ChangeForm,
    CodesForm,
    StatusForm,
)
from core.domain.cases.access import StaffActor
from core.domain.scheduling.appointments import AppointmentStatus, Attendance
from core.domain.shared.errors import InvalidInput
from core.services import billing, scheduling
from core.services.billing.views import codes as billing_codes
from core.services.communication import links as session_links
from core.services.scheduling import views as schedule_views
from core.services.scheduling.deps import SchedulingDeps

ATTENDANCE_BUTTONS = [(a.value, a.label.capitalize()) for a in Attendance]
STATUS_OPTIONS = [(s.value, s.label) for s in AppointmentStatus]
STALE = "Someone changed this appointment meanwhile; here it is as it is now."


async def appointment_panel(
    request: AnyRequest,
    deps: SchedulingDeps,
    actor: StaffActor,
    appointment_id: UUID,
    *,
    form: str = "",
    refusal: Refusal | None = None,
    warnings: list[str] | None = None,
    confirm_cancel: CancelForm | None = None,
) -> Template:
    """The page (its panel for htmx); after `refusal`, with its message next to `form`;
    with `confirm_cancel`, asking once before that cancellation."""
    # Loaded and authorized once; the codes, confirmations and booking options build on it.
    # The confirmations too, in the page's unit of work.
    loaded = await schedule_views.load_appointment_page(
        deps, actor, appointment_id, booking=True, also=session_links.confirmed_in
    )
    page = loaded.page
    can = set(page.permissions)
    options = loaded.booking  # with "manage_case" only
    errors: dict[str, str] = {}
    values: dict[str, Any] = page.form_values
    if refusal is not None:
        exc = refusal.error
        # One message, next to its input or on top of the form (the attendance form lists all).
        field = exc.field if exc.field and exc.field in refusal.values else "_form"
        errors = {field: STALE if refusal.conflict else exc.message}
        if not refusal.conflict:
            values = refusal.values
    context = {
        "actor": actor,
        "a": page,
        "codes": billing_codes.loaded_appointment_codes(loaded, deps.tz),
        "can": can,
        "options": options,
        "form": form,
        "errors": errors,
        "values": values,
        "warnings": warnings or [],
        "confirm_cancel": confirm_cancel,
        "confirmed_by": loaded.also,
        "ATTENDANCE_BUTTONS": ATTENDANCE_BUTTONS,
        "STATUS_OPTIONS": STATUS_OPTIONS,
    }
    return render(
        request,
        "scheduling/appointment.html",
        context,
        fragment="scheduling/_appointment.html",
        status=refusal.status if refusal else 200,
    )


Action = Callable[[forms.Fields], Awaitable[list[str]]]  # returns the warnings to show


async def _change(
    request: AnyRequest,
    deps: SchedulingDeps,
    actor: StaffActor,
    appointment_id: UUID,
    form_name: str,
    action: Action,
) -> Response[Any]:
    form = await request.form()

    async def done(warnings: list[str]) -> Response[Any]:
        if wants_fragment(request):
            return await appointment_panel(request, deps, actor, appointment_id, warnings=warnings)
        remember_warnings(request, warnings)
        return Redirect(path=f"/appointments/{appointment_id}", status_code=303)

    async def again(refusal: Refusal) -> Response[Any]:
        return await appointment_panel(
            request, deps, actor, appointment_id, form=form_name, refusal=refusal
        )

    return await form_action(
        form, lambda: action(form), done=done, again=again, conflict_status=422
    )


def code_lines(raw: str) -> tuple[billing.CodeInput, ...]:
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


class AppointmentPages(StaffController):
    path = "/appointments/{appointment_id:uuid}"

    @get("")
    async def appointment_page(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Template:
        return await appointment_panel(
            request, scheduling_deps, actor, appointment_id, warnings=take_warnings(request)
        )

    @post("/attendance")
    async def attendance(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        async def action(form: forms.Fields) -> list[str]:
            typed = forms.read(form, AttendanceForm)
            command = scheduling.RecordAttendance(
                appointment_id=appointment_id,
                marks=dict.fromkeys(typed.person_id, typed.mark),
                on_behalf_of=typed.on_behalf_of,
            )
            await scheduling.record_attendance(scheduling_deps, actor, command)
            return []

        return await _change(request, scheduling_deps, actor, appointment_id, "attendance", action)

    @post("/status")
    async def status(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        async def action(form: forms.Fields) -> list[str]:
            typed = forms.read(form, StatusForm)
            command = scheduling.SetStatus(
                appointment_id=appointment_id,
                version=typed.version,
                status=typed.status,
                on_behalf_of=typed.on_behalf_of,
            )
            await scheduling.set_status(scheduling_deps, actor, command)
            return []

        return await _change(request, scheduling_deps, actor, appointment_id, "status", action)

    @post("/codes")
    async def codes(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        async def action(form: forms.Fields) -> list[str]:
            typed = forms.read(form, CodesForm)
            own = typed.codes.strip() if typed.choice == "own" else None
            command = billing.ConfirmCodes(
                appointment_id=appointment_id,
                version=typed.version,
                codes=None if own is None else code_lines(own),
                option=typed.option if typed.choice == "option" else None,
            )
            try:
                await billing.confirm_codes(scheduling_deps, actor, command)
            except InvalidInput as exc:
                if own is not None and exc.field in ("code", "units", "person_id"):
                    # one input holds them all
                    raise InvalidInput(exc.message, field="codes") from None
                raise
            return []

        return await _change(request, scheduling_deps, actor, appointment_id, "codes", action)

    @post("/change")
    async def change(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        async def action(form: forms.Fields) -> list[str]:
            typed = forms.read(form, ChangeForm)
            command = scheduling.ChangeAppointment(
                appointment_id=appointment_id,
                version=typed.version,
                scope=typed.scope,
                **typed.details(),
            )
            booking = await scheduling.change_appointment(scheduling_deps, actor, command)
            return booking.warnings

        return await _change(request, scheduling_deps, actor, appointment_id, "change", action)

    @post("/cancel")
    async def cancel(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        form = await request.form()
        if forms.text(form, "confirmed") != "yes":
            # Asked once, with and without JavaScript: the panel comes back with the question,
            # and only its "Yes" posts `confirmed`. A second click of that "Yes" meets a
            # session already cancelled and is refused: nothing is cancelled twice.
            async def ask() -> CancelForm:
                return forms.read(form, CancelForm)

            async def confirm(asked: CancelForm) -> Response[Any]:
                return await appointment_panel(
                    request, scheduling_deps, actor, appointment_id, confirm_cancel=asked
                )

            async def refused(refusal: Refusal) -> Response[Any]:
                return await appointment_panel(
                    request, scheduling_deps, actor, appointment_id, form="cancel", refusal=refusal
                )

            return await form_action(form, ask, done=confirm, again=refused, conflict_status=422)

        async def action(form: forms.Fields) -> list[str]:
            typed = forms.read(form, CancelForm)
            command = scheduling.CancelAppointment(
                appointment_id=appointment_id,
                version=typed.version,
                scope=typed.scope,
                late=typed.late,
                on_behalf_of=typed.on_behalf_of,
            )
            await scheduling.cancel_appointment(scheduling_deps, actor, command)
            return []

        return await _change(request, scheduling_deps, actor, appointment_id, "cancel", action)
