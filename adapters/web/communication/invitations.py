"""Invitations: the owner adds a staff member, who gets a mailed link to set their own
password; the owner resends or revokes it, or mails a reset link to someone who forgot theirs.
The page the link opens has no staff guard: the invited person has no password yet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController, request_origin
from adapters.web.communication.password_reset import AccountDepsParam, ResetForm
from adapters.web.directory.staff import (
    StaffForm,
    find_member,
    member_context,
    staff_list_context,
    values_of,
)
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, HasherParam, PathId, PathStr
from adapters.web.limits import LimiterParam, limit_address, refused_status
from core.domain.shared.errors import InvalidInput
from core.domain.shared.limits import INVITATION
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.communication import invitations


class StaffInvitations(StaffController):
    path = "/staff"

    @post("/new")
    async def invite(
        self,
        request: AnyRequest,
        account_deps: AccountDepsParam,
        actor: ActorParam,
        limiter: LimiterParam,
    ) -> Response[Any]:
        """Add a staff member and mail their invitation (one transaction)."""
        form = await request.form()

        async def run() -> StaffId:
            await limit_address(request, account_deps, limiter, INVITATION)
            typed = forms.read(form, StaffForm)
            command = directory.AddStaff(**typed.details())
            return await invitations.invite_staff(account_deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            context = await staff_list_context(account_deps, actor, refusal.values, refusal.errors)
            status = refused_status(refusal)
            return Template("directory/staff/list.html", context=context, status_code=status)

        def done(staff_id: StaffId) -> Response[Any]:
            return Redirect(path=f"/staff/{staff_id}?sent=invitation", status_code=303)

        return await form_action(form, run, done=done, again=again)

    async def _account_button(  # the one shape of the three buttons below
        self,
        request: AnyRequest,
        account_deps: AccountDepsParam,
        actor: ActorParam,
        staff_id: PathId,
        action: Callable[[StaffId], Awaitable[None]],
        sent: str,
    ) -> Response[Any]:
        member = await find_member(account_deps, actor, StaffId(staff_id))
        form = await request.form()

        async def again(refusal: Refusal) -> Response[Any]:
            values = values_of(member)
            context = await member_context(account_deps, actor, member, values, refusal.errors)
            return Template("directory/staff/page.html", context=context, status_code=422)

        async def run() -> None:
            await action(member.id)

        return await form_action(
            form, run, done=redirect_to(f"/staff/{member.id}?sent={sent}"), again=again
        )

    @post("/{staff_id:uuid}/invitation")
    async def resend(
        self,
        request: AnyRequest,
        account_deps: AccountDepsParam,
        actor: ActorParam,
        staff_id: PathId,
    ) -> Response[Any]:
        async def action(who: StaffId) -> None:
            await invitations.resend_invitation(account_deps, actor, who)

        return await self._account_button(
            request, account_deps, actor, staff_id, action, "invitation"
        )

    @post("/{staff_id:uuid}/invitation/revoke")
    async def revoke(
        self,
        request: AnyRequest,
        account_deps: AccountDepsParam,
        actor: ActorParam,
        staff_id: PathId,
    ) -> Response[Any]:
        async def action(who: StaffId) -> None:
            await invitations.revoke_invitation(account_deps, actor, who)

        return await self._account_button(request, account_deps, actor, staff_id, action, "revoked")

    @post("/{staff_id:uuid}/reset-link")
    async def reset_link(
        self,
        request: AnyRequest,
        account_deps: AccountDepsParam,
        actor: ActorParam,
        staff_id: PathId,
    ) -> Response[Any]:
        async def action(who: StaffId) -> None:
            if not await invitations.send_reset_link(account_deps, actor, who):
                raise InvalidInput(
                    "A few links were sent this hour already: the newest one works.",
                    field="reset",
                )

        return await self._account_button(request, account_deps, actor, staff_id, action, "reset")


class InvitationLink(Controller):
    path = "/invitation"  # no guard: the invited person has no password yet

    @get("/{secret:str}")
    async def invitation_page(self, deps: DepsParam, secret: PathStr) -> Template:
        usable = await invitations.usable_invitation(deps, secret)
        return Template(
            "communication/invitation.html",
            context={"usable": usable, "secret": secret, "values": {}, "errors": {}},
            status_code=200 if usable else 410,
        )

    @post("/{secret:str}")
    async def accept(
        self,
        request: AnyRequest,
        deps: DepsParam,
        hasher: HasherParam,
        secret: PathStr,
        limiter: LimiterParam,
    ) -> Response[Any]:
        form = await request.form()
        typed = forms.read(form, ResetForm)

        async def run() -> object:
            await limit_address(request, deps, limiter, INVITATION)
            if typed.password != typed.password_again:
                raise InvalidInput("The two passwords differ.", field="password_again")
            return await invitations.accept_invitation(
                deps, hasher, secret, typed.password[:1024], origin=request_origin(request)
            )

        async def again(refusal: Refusal) -> Response[Any]:
            usable = await invitations.usable_invitation(deps, secret)
            context = {"usable": usable, "secret": secret, "values": {}, "errors": refusal.errors}
            status = refused_status(refusal)
            return Template("communication/invitation.html", context=context, status_code=status)

        return await form_action(
            form,
            run,
            done=lambda _: Redirect(path="/sign-in?invitation=accepted", status_code=303),
            again=again,
        )
