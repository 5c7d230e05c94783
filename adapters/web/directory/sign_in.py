"""Signing in and out, and the one-time setup of a practice that has no staff yet. These are the
routes without the staff guard: nobody is signed in yet."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import (
    NotSignedIn,
    end_session,
    request_origin,
    signed_in_staff,
    start_session,
)
from adapters.web.directory.second_step import start_second_step
from adapters.web.errors import safe_next
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import AnyRequest, DepsParam, HasherParam, QueryStr, WebParam
from adapters.web.limits import (
    LimiterParam,
    failures_counted,
    refused_status,
)
from core.domain.shared.errors import DomainError, Forbidden
from core.domain.shared.limits import SIGN_IN
from core.services import directory
from core.services.directory import auth, second_factor


class SignInForm(msgspec.Struct, kw_only=True):
    email: str = ""
    password: str = ""
    next: str = ""


class SetupForm(msgspec.Struct, kw_only=True):
    name: str = ""
    email: str = ""
    password: str = ""
    password_again: str = ""


def _form_again(template: str) -> Any:
    """The form once more: the message (one and the same for every failed sign-in) and what
    was typed, never the password."""

    async def again(refusal: Refusal) -> Response[Any]:
        context = {"values": refusal.values, "errors": refusal.errors}
        return Template(template, context=context, status_code=refused_status(refusal))

    return again


class SignIn(Controller):
    path = "/"  # no guard: these are how one gets a session

    @get("/", sync_to_thread=False)
    def home(self) -> Redirect:
        return Redirect(path="/cases", status_code=303)

    @get("/sign-in")
    async def sign_in_page(self, deps: DepsParam, next: QueryStr = "/cases") -> Template | Redirect:
        if not await directory.practice_has_staff(deps):
            return Redirect(path="/setup", status_code=303)
        context = {"values": {"next": safe_next(next)}, "errors": {}}
        return Template("directory/sign_in.html", context=context)

    @post("/sign-in")
    async def sign_in(
        self,
        request: AnyRequest,
        deps: DepsParam,
        hasher: HasherParam,
        web: WebParam,
        limiter: LimiterParam,
    ) -> Response[Any]:
        """Every failure costs one password check and says the same (see `auth.authenticate`)."""
        form = await request.form()
        typed = forms.read(form, SignInForm)

        async def run() -> tuple[auth.SignedIn, second_factor.SecondStep]:
            counted = failures_counted(
                request, deps, limiter, SIGN_IN, auth.SignInFailed, field="password"
            )
            async with counted:
                signed_in = await auth.authenticate(
                    deps, hasher, typed.email[:254], typed.password[:1024], request_origin(request)
                )
            step = await second_factor.second_step(
                deps, signed_in.staff_id, web.second_factor_default
            )
            return signed_in, step

        def done(result: tuple[auth.SignedIn, second_factor.SecondStep]) -> Response[Any]:
            signed_in, step = result
            if step is not second_factor.SecondStep.NONE:  # half signed in: a code is owed
                return start_second_step(request, signed_in, step, web, typed.next)
            start_session(request, signed_in, web)
            return Redirect(path=safe_next(typed.next), status_code=303)

        return await form_action(form, run, done=done, again=_form_again("directory/sign_in.html"))

    @post("/sign-out")
    async def sign_out(self, request: AnyRequest, deps: DepsParam, web: WebParam) -> Redirect:
        try:
            staff_id = signed_in_staff(request, web)
        except NotSignedIn:  # the session had already ended: nothing to write
            staff_id = None
        if staff_id is not None:
            await auth.signed_out(deps, staff_id, request_origin(request))
        end_session(request)
        return Redirect(path="/sign-in", status_code=303)

    @get("/setup")
    async def setup_page(self, deps: DepsParam) -> Template | Redirect:
        if await directory.practice_has_staff(deps):
            return Redirect(path="/sign-in", status_code=303)
        return Template("directory/setup.html", context={"values": {}, "errors": {}})

    @post("/setup")
    async def setup(
        self, request: AnyRequest, deps: DepsParam, hasher: HasherParam, web: WebParam
    ) -> Response[Any]:
        """Create the owner and their password, then sign them in. Refused once staff exist."""
        form = await request.form()

        async def run() -> tuple[auth.SignedIn, second_factor.SecondStep]:
            if await directory.practice_has_staff(deps):
                raise Forbidden("This practice is already set up. Sign in instead.")
            typed = forms.read(form, SetupForm)
            if typed.password != typed.password_again:
                raise DomainError("The two passwords differ.", field="password_again")
            signed_in = await directory.create_first_owner(
                deps, hasher, typed.name, typed.email, typed.password
            )
            step = await second_factor.second_step(
                deps, signed_in.staff_id, web.second_factor_default
            )
            return signed_in, step

        def done(result: tuple[auth.SignedIn, second_factor.SecondStep]) -> Response[Any]:
            signed_in, step = result
            if step is not second_factor.SecondStep.NONE:  # production: enrol before going on
                return start_second_step(request, signed_in, step, web, "/cases")
            start_session(request, signed_in, web)
            return Redirect(path="/cases", status_code=303)

        return await form_action(form, run, done=done, again=_form_again("directory/setup.html"))
