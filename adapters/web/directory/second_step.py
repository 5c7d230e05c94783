"""The second step of signing in (a code, or enrolling an authenticator when the practice
requires one), and one's own factor on the account pages.

Between the password and the code the person is half signed in: the server-side session holds
who they are, when the password was checked and its own CSRF token (csrf.py: the anonymous one
passes no more), nothing else; no staff route accepts it (they
look for the signed-in staff id, which is set only after the code), and it lapses after five
minutes. The enrolment's secret waits in the session too, never in the page's form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import segno
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController, request_origin, start_session
from adapters.web.config import WebConfig
from adapters.web.directory.staff import (
    find_member,
    member_context,
    staff_list_context,
    values_of,
)
from adapters.web.errors import safe_next
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId, WebParam
from adapters.web.limits import (
    LimiterParam,
    failures_counted,
    refused_status,
)
from adapters.web.sessions import renew_session_id
from core.domain.cases.access import StaffActor
from core.domain.directory.second_factor import PENDING_LIFETIME
from core.domain.shared.limits import SIGN_IN
from core.domain.shared.values import StaffId
from core.ports.one_time_codes import OneTimeCodes
from core.services.directory import auth
from core.services.directory import second_factor as factor
from core.services.shared.use_case import Deps

CodesParam = NamedDependency[SkipValidation[OneTimeCodes]]
PENDING = "pending_sign_in"  # {"staff_id", "generation", "at", "step", "next"}
ENROL_SECRET = "enrol_secret"
ISSUER = "Hearth"


class CodeForm(msgspec.Struct, kw_only=True):
    code: str = ""


class EnrolForm(msgspec.Struct, kw_only=True):
    code: str = ""
    current: str = ""  # a code of the factor being replaced, if any


def start_second_step(
    request: AnyRequest,
    signed_in: auth.SignedIn,
    step: factor.SecondStep,
    web: WebConfig,
    next: str,
) -> Redirect:
    """The password was right and a code (or an enrolment) is owed: half signed in."""
    request.set_session(
        {
            PENDING: {
                "staff_id": str(signed_in.staff_id),
                "generation": signed_in.generation,
                "at": web.now(),
                "step": step.value,
                "next": safe_next(next),
            }
        }
    )
    renew_session_id(request)
    where = "/sign-in/code" if step is factor.SecondStep.CODE else "/sign-in/enrol"
    return Redirect(path=where, status_code=303)


def _pending(request: AnyRequest, web: WebConfig, step: factor.SecondStep) -> dict[str, Any] | None:
    raw = request.session.get(PENDING) if "session" in request.scope else None
    if not isinstance(raw, dict) or raw.get("step") != step.value:
        return None
    if web.now() - float(raw.get("at", 0)) > PENDING_LIFETIME.total_seconds():
        request.clear_session()
        return None
    return raw


def _finish(request: AnyRequest, pending: dict[str, Any], web: WebConfig) -> str:
    """Signed in at last: a new session id, the staff id set. Returns where to go."""
    signed_in = auth.SignedIn(
        staff_id=StaffId(UUID(pending["staff_id"])), generation=int(pending["generation"])
    )
    start_session(request, signed_in, web)
    return safe_next(str(pending.get("next", "/cases")))


def qr_svg(uri: str) -> str:
    """The enrolment address as an inline SVG QR code (made here: no network, no image host)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, title="QR code to scan"))


def _enrolment_context(
    request: AnyRequest, codes: OneTimeCodes, account: str, errors: dict[str, str]
) -> dict[str, Any]:
    secret = request.session.get(ENROL_SECRET)
    if not isinstance(secret, str):
        secret = codes.new_secret()
        request.session[ENROL_SECRET] = secret
    uri = codes.enrolment_uri(secret, account, ISSUER)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr": qr_svg(uri), "secret": grouped, "errors": errors, "values": {}}


async def _email_of(deps: Deps, staff_id: StaffId) -> str:
    async with deps.uow() as uow:
        staff = await uow.staff.get(staff_id)
    return staff.email if staff is not None else ""


class SecondStepPages(Controller):
    path = "/sign-in"  # no guard: half signed in is not signed in

    @get("/code")
    async def code_page(self, request: AnyRequest, web: WebParam) -> Template | Redirect:
        if _pending(request, web, factor.SecondStep.CODE) is None:
            return Redirect(path="/sign-in", status_code=303)
        return Template("directory/second_step/code.html", context={"errors": {}, "values": {}})

    @post("/code")
    async def code(
        self,
        request: AnyRequest,
        deps: DepsParam,
        codes: CodesParam,
        web: WebParam,
        limiter: LimiterParam,
    ) -> Response[Any]:
        form = await request.form()
        pending = _pending(request, web, factor.SecondStep.CODE)
        if pending is None:
            return Redirect(path="/sign-in?expired=1", status_code=303)
        typed = forms.read(form, CodeForm)
        staff_id = StaffId(UUID(pending["staff_id"]))

        async def run() -> None:
            async with failures_counted(
                request, deps, limiter, SIGN_IN, factor.CodeRejected, field="code"
            ):
                await factor.verify_code(deps, codes, staff_id, typed.code, request_origin(request))

        async def again(refusal: Refusal) -> Response[Any]:
            context = {"errors": refusal.errors, "values": {}}
            return Template(
                "directory/second_step/code.html",
                context=context,
                status_code=refused_status(refusal),
            )

        def done(_: None) -> Response[Any]:
            return Redirect(path=_finish(request, pending, web), status_code=303)

        return await form_action(form, run, done=done, again=again)

    @get("/enrol")
    async def enrol_page(
        self, request: AnyRequest, deps: DepsParam, codes: CodesParam, web: WebParam
    ) -> Template | Redirect:
        pending = _pending(request, web, factor.SecondStep.ENROL)
        if pending is None:
            return Redirect(path="/sign-in", status_code=303)
        email = await _email_of(deps, StaffId(UUID(pending["staff_id"])))
        context = _enrolment_context(request, codes, email, {})
        context["action"] = "/sign-in/enrol"
        context["required"] = True
        return Template("directory/second_step/enrol.html", context=context)

    @post("/enrol")
    async def enrol(
        self, request: AnyRequest, deps: DepsParam, codes: CodesParam, web: WebParam
    ) -> Response[Any]:
        form = await request.form()
        pending = _pending(request, web, factor.SecondStep.ENROL)
        secret = request.session.get(ENROL_SECRET) if pending else None
        if pending is None or not isinstance(secret, str):
            return Redirect(path="/sign-in?expired=1", status_code=303)
        typed = forms.read(form, CodeForm)
        staff_id = StaffId(UUID(pending["staff_id"]))

        async def run() -> list[str]:
            return await factor.enrol(
                deps, codes, staff_id, secret, typed.code, request_origin(request)
            )

        async def again(refusal: Refusal) -> Response[Any]:
            email = await _email_of(deps, staff_id)
            context = _enrolment_context(request, codes, email, refusal.errors)
            context["action"] = "/sign-in/enrol"
            context["required"] = True
            return Template("directory/second_step/enrol.html", context=context, status_code=422)

        def done(shown: list[str]) -> Response[Any]:
            next_page = _finish(request, pending, web)  # the enrolment secret goes with it
            context = {"codes": shown, "next": next_page}
            return Template("directory/second_step/recovery_codes.html", context=context)

        return await form_action(form, run, done=done, again=again)


class OwnSecondFactor(StaffController):
    """One's own factor: set it up (or a new one), new recovery codes, turn it off."""

    path = "/account/second-factor"

    @get("")
    async def page(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        codes: CodesParam,
        web: WebParam,
    ) -> Template:
        context = _enrolment_context(request, codes, await _email_of(deps, actor.id), {})
        context["action"] = "/account/second-factor"
        context["status"] = await factor.status(deps, actor.id, web.second_factor_default)
        context["actor"] = actor
        return Template("directory/second_step/enrol.html", context=context)

    @post("")
    async def enrol(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        codes: CodesParam,
        web: WebParam,
    ) -> Response[Any]:
        form = await request.form()
        typed = forms.read(form, EnrolForm)
        secret = request.session.get(ENROL_SECRET)

        async def run() -> list[str]:
            if not isinstance(secret, str):
                raise factor.CodeRejected()
            return await factor.enrol(
                deps, codes, actor.id, secret, typed.code, request_origin(request), typed.current
            )

        async def again(refusal: Refusal) -> Response[Any]:
            email = await _email_of(deps, actor.id)
            context = _enrolment_context(request, codes, email, refusal.errors)
            context["action"] = "/account/second-factor"
            context["status"] = await factor.status(deps, actor.id, web.second_factor_default)
            context["actor"] = actor
            return Template("directory/second_step/enrol.html", context=context, status_code=422)

        def done(shown: list[str]) -> Response[Any]:
            request.session.pop(ENROL_SECRET, None)
            context = {"codes": shown, "next": f"/staff/{actor.id}", "actor": actor}
            return Template("directory/second_step/recovery_codes.html", context=context)

        return await form_action(form, run, done=done, again=again)

    @post("/recovery-codes")
    async def renew(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, codes: CodesParam
    ) -> Response[Any]:
        form = await request.form()
        typed = forms.read(form, CodeForm)

        async def run() -> list[str]:
            return await factor.renew_recovery_codes(
                deps, codes, actor, typed.code, request_origin(request)
            )

        def done(shown: list[str]) -> Response[Any]:
            context = {"codes": shown, "next": f"/staff/{actor.id}", "actor": actor}
            return Template("directory/second_step/recovery_codes.html", context=context)

        return await form_action(form, run, done=done, again=_back_to_page(deps, actor, actor.id))

    @post("/off")
    async def off(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        codes: CodesParam,
        web: WebParam,
    ) -> Response[Any]:
        form = await request.form()
        typed = forms.read(form, CodeForm)

        async def run() -> None:
            await factor.turn_off(
                deps, codes, actor, typed.code, web.second_factor_default, request_origin(request)
            )

        return await form_action(
            form,
            run,
            done=redirect_to(f"/staff/{actor.id}?factor=off"),
            again=_back_to_page(deps, actor, actor.id),
        )


def _back_to_page(deps: Deps, actor: StaffActor, staff_id: StaffId) -> Any:
    """The staff member's page again, with why the factor's form was refused."""

    async def again(refusal: Refusal) -> Response[Any]:
        member = await find_member(deps, actor, staff_id)
        context = await member_context(deps, actor, member, values_of(member), {})
        context["factor_errors"] = refusal.errors
        return Template("directory/staff/page.html", context=context, status_code=422)

    return again


class StaffSecondFactor(StaffController):
    """What the owner may do about others' factors: require them of everyone, or remove one
    (the person is signed out and enrols anew) — never see, set or use one."""

    path = "/staff"

    @post("/second-factor-policy")
    async def policy(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam
    ) -> Response[Any]:
        form = await request.form()
        required = form.get("required") == "on"

        async def run() -> None:
            await factor.set_factor_required(deps, actor, required)

        async def again(refusal: Refusal) -> Response[Any]:
            context = await staff_list_context(deps, actor, {}, refusal.errors)
            return Template("directory/staff/list.html", context=context, status_code=422)

        return await form_action(form, run, done=redirect_to("/staff"), again=again)

    @post("/{staff_id:uuid}/second-factor/reset")
    async def reset(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, staff_id: PathId
    ) -> Response[Any]:
        form = await request.form()
        who = StaffId(staff_id)

        async def run() -> None:
            await factor.require_new_enrolment(deps, actor, who)

        return await form_action(
            form,
            run,
            done=redirect_to(f"/staff/{who}?sent=factor"),
            again=_back_to_page(deps, actor, who),
        )
