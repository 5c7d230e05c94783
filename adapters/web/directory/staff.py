"""Staff: everyone sees who works here; the owner sets roles, supervisors and the clinicians an
administrator supports. New staff come by invitation (adapters/web/communication/invitations.py);
nobody sets another person's password here — each changes their own."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.response import Template

from adapters.web.auth import StaffController, keep_session
from adapters.web.directory.settings import conflict_rows
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.forms import what
from adapters.web.kit.params import (
    ActorParam,
    AnyRequest,
    DepsParam,
    HasherParam,
    PathId,
    QueryStr,
    WebParam,
)
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import Licensure, StaffMember, StaffRole
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.directory import auth, second_factor
from core.services.shared.use_case import Deps


class StaffForm(msgspec.Struct, kw_only=True):
    """The staff member's details, as `directory.StaffDetails` has them."""

    name: str
    email: str
    roles: Annotated[frozenset[StaffRole], what("roles")] = frozenset()
    licensure: Annotated[Licensure, what("a licensure")]
    supervisor_id: Annotated[StaffId | None, what("a supervisor")] = None
    supports: Annotated[frozenset[StaffId], what("a clinician")] = frozenset()

    def details(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in StaffForm.__struct_fields__}


class UpdateStaffForm(StaffForm, kw_only=True):
    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)] = 0
    active: bool = False


class EmailChange(msgspec.Struct, kw_only=True):
    email: str = ""
    email_password: str = ""


class PasswordChange(msgspec.Struct, kw_only=True):
    current_password: str = ""
    password: str = ""
    password_again: str = ""


def values_of(member: StaffMember) -> dict[str, Any]:
    return {
        "name": member.name,
        "email": member.email,
        "roles": sorted(r.value for r in member.roles),
        "licensure": member.licensure.value,
        "supervisor_id": str(member.supervisor_id or ""),
        "supports": sorted(str(s) for s in member.supports),
        "active": "on" if member.active else "",
        "version": str(member.version),
    }


async def _context(
    deps: Deps, actor: StaffActor, values: dict[str, Any], errors: dict[str, str], **more: Any
) -> dict[str, Any]:
    staff = await directory.list_staff(deps, actor)
    return {
        "actor": actor,
        "staff": staff,
        "names": {s.id: s.name for s in staff},
        "supervisors": [s for s in staff if s.active and s.has(StaffRole.SUPERVISOR)],
        "clinicians": [s for s in staff if s.active and s.has(StaffRole.CLINICIAN)],
        "roles": list(StaffRole),
        "values": values,
        "errors": errors,
        **more,
    }


async def member_context(
    deps: Deps,
    actor: StaffActor,
    member: StaffMember,
    values: dict[str, Any],
    errors: dict[str, str],
    **more: Any,
) -> dict[str, Any]:
    """A staff member's page: their details, and whether they have accepted the invitation."""
    pending = not await auth.has_password(deps, member.id)
    factor = await second_factor.status(deps, member.id, required_by_default=False)
    return await _context(
        deps, actor, values, errors, member=member, pending=pending, factor=factor, **more
    )


async def staff_list_context(
    deps: Deps, actor: StaffActor, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return await _context(deps, actor, values, errors)


async def find_member(deps: Deps, actor: StaffActor, staff_id: StaffId) -> StaffMember:
    for member in await directory.list_staff(deps, actor):
        if member.id == staff_id:
            return member
    raise NotFound("No such staff member.")


STAFF_LABELS = {
    "name": "Name",
    "email": "Email",
    "roles": "Roles",
    "licensure": "Licensure",
    "supervisor_id": "Default supervisor",
    "supports": "Clinicians supported",
    "active": "Works here",
}


def _shown(values: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """A staff form's values (as typed, or `_values_of` the saved member) as a person reads
    them: names for ids, "yes"/"no" for the checkbox."""

    def many(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    return {
        "name": str(values.get("name") or ""),
        "email": str(values.get("email") or ""),
        "roles": ", ".join(sorted(many(values.get("roles")))),
        "licensure": str(values.get("licensure") or ""),
        "supervisor_id": names.get(str(values.get("supervisor_id") or ""), ""),
        "supports": ", ".join(sorted(names.get(i, i) for i in many(values.get("supports")))),
        "active": "yes" if values.get("active") else "no",
    }


async def _stale(deps: Deps, actor: StaffActor, staff_id: StaffId, refusal: Refusal) -> Template:
    """Someone else saved this staff member since the page was read: their saved details next
    to what was typed, the form keeping what was typed and carrying the saved version (saving
    again overwrites knowingly)."""
    saved = await find_member(deps, actor, staff_id)
    context = await member_context(
        deps, actor, saved, refusal.values | {"version": str(saved.version)}, {}
    )
    names = {str(i): n for i, n in context["names"].items()}
    theirs, yours = _shown(values_of(saved), names), _shown(refusal.values, names)
    context["conflict"] = conflict_rows(theirs, yours, STAFF_LABELS)
    context["conflict_what"] = "this staff member"
    return Template("directory/staff/page.html", context=context, status_code=409)


class StaffPages(StaffController):
    path = "/staff"

    @get("")
    async def staff_list(self, deps: DepsParam, actor: ActorParam, web: WebParam) -> Template:
        values = {"roles": [StaffRole.CLINICIAN.value], "licensure": Licensure.LICENSED.value}
        context = await _context(deps, actor, values, {})
        context["factor_required"] = await second_factor.factor_required(
            deps, web.second_factor_default
        )
        return Template("directory/staff/list.html", context=context)

    @get("/{staff_id:uuid}")
    async def staff_page(
        self,
        deps: DepsParam,
        actor: ActorParam,
        staff_id: PathId,
        password: QueryStr = "",
        sent: QueryStr = "",
    ) -> Template:
        member = await find_member(deps, actor, StaffId(staff_id))
        context = await member_context(deps, actor, member, values_of(member), {})
        context["password_changed"] = password == "changed"
        context["sent"] = sent
        return Template("directory/staff/page.html", context=context)

    @post("/{staff_id:uuid}")
    async def update_staff(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        staff_id: PathId,
    ) -> Response[Any]:
        member = await find_member(deps, actor, StaffId(staff_id))
        form = await request.form()

        async def run() -> None:
            typed = forms.read(form, UpdateStaffForm)
            command = directory.UpdateStaff(
                staff_id=member.id, version=typed.version, active=typed.active, **typed.details()
            )
            await directory.update_staff(deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            if refusal.conflict:
                return await _stale(deps, actor, member.id, refusal)
            context = await member_context(deps, actor, member, refusal.values, refusal.errors)
            return Template("directory/staff/page.html", context=context, status_code=422)

        done = redirect_to(f"/staff/{member.id}")
        return await form_action(form, run, done=done, again=again, conflict_status=422)

    @post("/{staff_id:uuid}/password")
    async def change_own_password(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        hasher: HasherParam,
        staff_id: PathId,
    ) -> Response[Any]:
        """A staff member changes their own password, proving the current one first (a borrowed
        session alone cannot take over the account; failures count towards the lockout)."""
        member = await find_member(deps, actor, StaffId(staff_id))
        if member.id != actor.id:
            raise Forbidden("You can change your own password only.")
        form = await request.form()

        async def run() -> None:
            typed = forms.read(form, PasswordChange)
            try:
                await auth.sign_in(deps, hasher, member.email, typed.current_password)
            except auth.SignInFailed as failed:
                failed.field = "current_password"  # the one it is about on this form
                raise
            if typed.password != typed.password_again:
                raise InvalidInput("The two passwords differ.", field="password_again")
            generation = await auth.set_password(deps, hasher, actor, member.id, typed.password)
            keep_session(request, generation)  # the other sessions end

        async def again(refusal: Refusal) -> Response[Any]:
            context = await member_context(deps, actor, member, values_of(member), {})
            context["password_errors"] = refusal.errors
            return Template("directory/staff/page.html", context=context, status_code=422)

        done = redirect_to(f"/staff/{member.id}?password=changed")
        return await form_action(form, run, done=done, again=again)

    @post("/{staff_id:uuid}/email")
    async def change_own_email(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        hasher: HasherParam,
        staff_id: PathId,
    ) -> Response[Any]:
        """A staff member changes the address they sign in with (nobody else can, once they
        use the account), proving their password first."""
        member = await find_member(deps, actor, StaffId(staff_id))
        if member.id != actor.id:
            raise Forbidden("You can change your own sign-in email only.")
        form = await request.form()

        async def run() -> None:
            typed = forms.read(form, EmailChange)
            await directory.change_own_email(
                deps, hasher, actor, typed.email_password[:1024], typed.email[:254]
            )

        async def again(refusal: Refusal) -> Response[Any]:
            context = await member_context(deps, actor, member, values_of(member), {})
            context["email_errors"] = refusal.errors
            context["email_typed"] = {"email": refusal.values.get("email", "")}
            return Template("directory/staff/page.html", context=context, status_code=422)

        return await form_action(form, run, done=redirect_to(f"/staff/{member.id}"), again=again)
