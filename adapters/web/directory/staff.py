"""Staff: everyone sees who works here; the owner adds staff, sets roles, supervisors, the
clinicians an administrator supports, and passwords (the core refuses anyone else)."""

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
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, HasherParam, PathId, QueryStr
from core.domain.cases.access import StaffActor
from core.domain.directory.credentials import check_password_strength
from core.domain.directory.parties import Licensure, StaffMember, StaffRole
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.directory import auth
from core.services.shared.use_case import Deps


class StaffForm(msgspec.Struct, kw_only=True):
    """The staff member's details, as `directory.StaffDetails` has them."""

    name: str
    email: str
    roles: Annotated[frozenset[StaffRole], what("roles")] = frozenset()
    licensure: Annotated[Licensure, what("a licensure")]
    supervisor_id: Annotated[StaffId | None, what("a supervisor")] = None
    supports: Annotated[frozenset[StaffId], what("a clinician")] = frozenset()
    password: str = ""  # a new password; empty on the staff page: unchanged

    def details(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in StaffForm.__struct_fields__ if f != "password"}


class UpdateStaffForm(StaffForm, kw_only=True):
    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)] = 0
    active: bool = False


class PasswordChange(msgspec.Struct, kw_only=True):
    current_password: str = ""
    password: str = ""
    password_again: str = ""


def _values_of(member: StaffMember) -> dict[str, Any]:
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


async def _member(deps: Deps, actor: StaffActor, staff_id: StaffId) -> StaffMember:
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
    saved = await _member(deps, actor, staff_id)
    context = await _context(
        deps, actor, refusal.values | {"version": str(saved.version)}, {}, member=saved
    )
    names = {str(i): n for i, n in context["names"].items()}
    theirs, yours = _shown(_values_of(saved), names), _shown(refusal.values, names)
    context["conflict"] = conflict_rows(theirs, yours, STAFF_LABELS)
    context["conflict_what"] = "this staff member"
    return Template("directory/staff/page.html", context=context, status_code=409)


class StaffPages(StaffController):
    path = "/staff"

    @get("")
    async def staff_list(self, deps: DepsParam, actor: ActorParam) -> Template:
        values = {"roles": [StaffRole.CLINICIAN.value], "licensure": Licensure.LICENSED.value}
        context = await _context(deps, actor, values, {})
        return Template("directory/staff/list.html", context=context)

    @post("/new")
    async def add_staff(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, hasher: HasherParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> StaffId:
            typed = forms.read(form, StaffForm)
            command = directory.AddStaff(**typed.details(), password=typed.password)
            return await directory.add_staff(deps, actor, command, hasher)  # one transaction

        async def again(refusal: Refusal) -> Response[Any]:
            context = await _context(deps, actor, refusal.values, refusal.errors)
            return Template("directory/staff/list.html", context=context, status_code=422)

        return await form_action(form, run, done=redirect_to("/staff"), again=again)

    @get("/{staff_id:uuid}")
    async def staff_page(
        self, deps: DepsParam, actor: ActorParam, staff_id: PathId, password: QueryStr = ""
    ) -> Template:
        member = await _member(deps, actor, StaffId(staff_id))
        context = await _context(deps, actor, _values_of(member), {}, member=member)
        context["password_changed"] = password == "changed"
        return Template("directory/staff/page.html", context=context)

    @post("/{staff_id:uuid}")
    async def update_staff(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        hasher: HasherParam,
        staff_id: PathId,
    ) -> Response[Any]:
        member = await _member(deps, actor, StaffId(staff_id))
        form = await request.form()

        async def run() -> None:
            typed = forms.read(form, UpdateStaffForm)
            if typed.password:
                check_password_strength(typed.password)
            command = directory.UpdateStaff(
                staff_id=member.id, version=typed.version, active=typed.active, **typed.details()
            )
            await directory.update_staff(deps, actor, command)
            if typed.password:
                generation = await auth.set_password(deps, hasher, actor, member.id, typed.password)
                if member.id == actor.id:
                    keep_session(request, generation)

        async def again(refusal: Refusal) -> Response[Any]:
            if refusal.conflict:
                return await _stale(deps, actor, member.id, refusal)
            context = await _context(deps, actor, refusal.values, refusal.errors, member=member)
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
        member = await _member(deps, actor, StaffId(staff_id))
        if member.id != actor.id:
            raise Forbidden("You can change your own password here; the owner sets others'.")
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
            context = await _context(deps, actor, _values_of(member), {}, member=member)
            context["password_errors"] = refusal.errors
            return Template("directory/staff/page.html", context=context, status_code=422)

        done = redirect_to(f"/staff/{member.id}?password=changed")
        return await form_action(form, run, done=done, again=again)
