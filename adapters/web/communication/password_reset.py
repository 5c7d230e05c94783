""" "Forgot your password?": the form that mails a reset link, and the page the link opens.
No staff guard — whoever asks is not signed in. The answer to asking is the same for every
address, and a used or expired link says so without saying whose it was."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Redirect, Template

from adapters.web.auth import request_origin
from adapters.web.edge import refuse_unsafe
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import AnyRequest, DepsParam, HasherParam, PathStr
from adapters.web.limits import LimiterParam, limit_address
from core.domain.shared.errors import InvalidInput
from core.domain.shared.limits import PASSWORD_RESET, TooManyRequests
from core.services.communication import accounts

AccountDepsParam = NamedDependency[SkipValidation[accounts.AccountMailDeps]]


class ForgotForm(msgspec.Struct, kw_only=True):
    email: str = ""


class ResetForm(msgspec.Struct, kw_only=True):
    password: str = ""
    password_again: str = ""


class PasswordReset(Controller):
    path = "/password"

    @get("/forgot")
    async def forgot_page(self) -> Template:
        return Template("communication/forgot.html", context={"values": {}, "errors": {}})

    @post("/forgot")
    async def forgot(
        self, request: AnyRequest, account_deps: AccountDepsParam, limiter: LimiterParam
    ) -> Template:
        form = await request.form()
        refuse_unsafe(form)  # no form_action here: the edge's check, said here
        typed = forms.read(form, ForgotForm)
        try:
            await limit_address(request, account_deps, limiter, PASSWORD_RESET, field="email")
        except TooManyRequests as refused:
            context = {"values": {"email": typed.email[:254]}, "errors": {"email": refused.message}}
            return Template("communication/forgot.html", context=context, status_code=429)
        await accounts.request_password_reset(
            account_deps, typed.email[:254], origin=request_origin(request)
        )
        return Template("communication/forgot.html", context={"asked": True})

    @get("/reset/{secret:str}")
    async def reset_page(self, deps: DepsParam, secret: PathStr) -> Template:
        usable = await accounts.usable_reset_link(deps, secret)
        return Template(
            "communication/reset.html",
            context={"usable": usable, "secret": secret, "values": {}, "errors": {}},
            status_code=200 if usable else 410,
        )

    @post("/reset/{secret:str}")
    async def reset(
        self, request: AnyRequest, deps: DepsParam, hasher: HasherParam, secret: PathStr
    ) -> Response[Any]:
        form = await request.form()
        typed = forms.read(form, ResetForm)

        async def run() -> object:
            if typed.password != typed.password_again:
                raise InvalidInput("The two passwords differ.", field="password_again")
            return await accounts.reset_password(
                deps, hasher, secret, typed.password[:1024], origin=request_origin(request)
            )

        async def again(refusal: Refusal) -> Response[Any]:
            context = {"usable": True, "secret": secret, "values": {}, "errors": refusal.errors}
            return Template("communication/reset.html", context=context, status_code=422)

        return await form_action(
            form,
            run,
            done=lambda _: Redirect(path="/sign-in?password=reset", status_code=303),
            again=again,
        )
