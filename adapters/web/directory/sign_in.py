"""Signing in and out, and the one-time setup of a practice that has no staff yet."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import (
    NotSignedIn,
    end_session,
    request_origin,
    signed_in_staff,
    start_session,
)
from adapters.web.errors import safe_next
from adapters.web.kit import forms
from adapters.web.kit.params import DepsParam, HasherParam, QueryStr, WebParam
from adapters.web.kit.rendering import form_errors
from core.domain.shared.errors import DomainError, Forbidden
from core.services import directory
from core.services.directory import auth


@get("/", sync_to_thread=False)
def home() -> Redirect:
    return Redirect(path="/cases", status_code=303)


@get("/sign-in")
async def sign_in_page(deps: DepsParam, next: QueryStr = "/cases") -> Template | Redirect:
    if not await directory.practice_has_staff(deps):
        return Redirect(path="/setup", status_code=303)
    return Template(
        "directory/sign_in.html", context={"values": {"next": safe_next(next)}, "errors": {}}
    )


@post("/sign-in")
async def sign_in(
    request: Request[Any, Any, Any], deps: DepsParam, hasher: HasherParam, web: WebParam
) -> Template | Redirect:
    form = await request.form()
    try:
        signed_in = await auth.authenticate(
            deps,
            hasher,
            forms.text(form, "email")[:254],
            forms.text(form, "password")[:1024],
            origin=request_origin(request),
        )
    except DomainError as exc:
        return Template(
            "directory/sign_in.html",
            context={"values": forms.values(form), "errors": form_errors(exc)},
            status_code=422,
        )
    start_session(request, signed_in, web)
    return Redirect(path=safe_next(forms.text(form, "next")), status_code=303)


@post("/sign-out")
async def sign_out(request: Request[Any, Any, Any], deps: DepsParam, web: WebParam) -> Redirect:
    try:
        staff_id = signed_in_staff(request, web)
    except NotSignedIn:  # the session had already ended: nothing to write
        staff_id = None
    if staff_id is not None:
        await auth.signed_out(deps, staff_id, request_origin(request))
    end_session(request)
    return Redirect(path="/sign-in", status_code=303)


@get("/setup")
async def setup_page(deps: DepsParam) -> Template | Redirect:
    if await directory.practice_has_staff(deps):
        return Redirect(path="/sign-in", status_code=303)
    return Template("directory/setup.html", context={"values": {}, "errors": {}})


@post("/setup")
async def setup(
    request: Request[Any, Any, Any], deps: DepsParam, hasher: HasherParam, web: WebParam
) -> Template | Redirect:
    """Create the owner and their password, then sign them in. Refused once staff exist."""
    form = await request.form()
    password = forms.text(form, "password")
    try:
        if await directory.practice_has_staff(deps):
            raise Forbidden("This practice is already set up. Sign in instead.")
        if password != forms.text(form, "password_again"):
            raise DomainError("The two passwords differ.", field="password_again")
        signed_in = await directory.create_first_owner(
            deps, hasher, forms.text(form, "name"), forms.text(form, "email"), password
        )
    except Forbidden:
        raise
    except DomainError as exc:
        return Template(
            "directory/setup.html",
            context={"values": forms.values(form), "errors": form_errors(exc)},
            status_code=422,
        )
    start_session(request, signed_in, web)
    return Redirect(path="/cases", status_code=303)


ROUTES = [home, sign_in_page, sign_in, sign_out, setup_page, setup]
