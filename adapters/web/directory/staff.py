"""Staff: everyone sees who works here; the owner adds staff, sets roles, supervisors, the
clinicians an administrator supports, and passwords (the core refuses anyone else)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import keep_session
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, DepsParam, HasherParam, PathStr, QueryStr
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import form_errors
from core.domain.cases.access import StaffActor
from core.domain.directory.credentials import check_password_strength
from core.domain.directory.parties import Licensure, StaffMember, StaffRole
from core.domain.shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.directory import auth
from core.services.shared.use_case import Deps


def _details(form: Any) -> dict[str, Any]:
    supervisor = forms.optional_uuid(form, "supervisor_id", "a supervisor")
    return {
        "name": forms.text(form, "name"),
        "email": forms.text(form, "email"),
        "roles": forms.choices(form, "roles", StaffRole, "roles"),
        "licensure": forms.choice(form, "licensure", Licensure, "a licensure"),
        "supervisor_id": StaffId(supervisor) if supervisor else None,
        "supports": frozenset(StaffId(s) for s in forms.uuids(form, "supports", "a clinician")),
    }


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


@get("/staff")
async def staff_list(deps: DepsParam, actor: ActorParam) -> Template:
    values = {"roles": [StaffRole.CLINICIAN.value], "licensure": Licensure.LICENSED.value}
    return Template("directory/staff/list.html", context=await _context(deps, actor, values, {}))


@post("/staff/new")
async def add_staff(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, hasher: HasherParam
) -> Template | Redirect:
    form = await request.form()
    try:
        command = directory.AddStaff(**_details(form), password=forms.text(form, "password"))
        await directory.add_staff(deps, actor, command, hasher)
    except DomainError as exc:
        context = await _context(deps, actor, forms.values(form), form_errors(exc))
        status = 403 if isinstance(exc, Forbidden) else 422
        return Template("directory/staff/list.html", context=context, status_code=status)
    return Redirect(path="/staff", status_code=303)


async def _member(deps: Deps, actor: StaffActor, staff_id: StaffId) -> StaffMember:
    for member in await directory.list_staff(deps, actor):
        if member.id == staff_id:
            return member
    raise NotFound("No such staff member.")


@get("/staff/{staff_id:str}")
async def staff_page(
    deps: DepsParam, actor: ActorParam, staff_id: PathStr, password: QueryStr = ""
) -> Template:
    member = await _member(deps, actor, StaffId(path_id(staff_id, "staff member")))
    context = await _context(deps, actor, _values_of(member), {}, member=member)
    context["password_changed"] = password == "changed"
    return Template("directory/staff/page.html", context=context)


@post("/staff/{staff_id:str}")
async def update_staff(
    request: Request[Any, Any, Any],
    deps: DepsParam,
    actor: ActorParam,
    hasher: HasherParam,
    staff_id: PathStr,
) -> Template | Redirect:
    member = await _member(deps, actor, StaffId(path_id(staff_id, "staff member")))
    form = await request.form()
    try:
        password = forms.text(form, "password")
        if password:
            check_password_strength(password)
        await directory.update_staff(
            deps,
            actor,
            directory.UpdateStaff(
                staff_id=member.id,
                version=forms.optional_int(form, "version", 0, 1_000_000_000) or 0,
                active=forms.flag(form, "active"),
                **_details(form),
            ),
        )
        if password:
            generation = await auth.set_password(deps, hasher, actor, member.id, password)
            if member.id == actor.id:
                keep_session(request, generation)
    except DomainError as exc:
        context = await _context(deps, actor, forms.values(form), form_errors(exc), member=member)
        status = 403 if isinstance(exc, Forbidden) else 422
        return Template("directory/staff/page.html", context=context, status_code=status)
    return Redirect(path=f"/staff/{member.id}", status_code=303)


@post("/staff/{staff_id:str}/password")
async def change_own_password(
    request: Request[Any, Any, Any],
    deps: DepsParam,
    actor: ActorParam,
    hasher: HasherParam,
    staff_id: PathStr,
) -> Template | Redirect:
    """A staff member changes their own password, proving the current one first (a borrowed
    session alone cannot take over the account; failures count towards the lockout)."""
    member = await _member(deps, actor, StaffId(path_id(staff_id, "staff member")))
    if member.id != actor.id:
        raise Forbidden("You can change your own password here; the owner sets others'.")
    form = await request.form()
    try:
        await auth.sign_in(deps, hasher, member.email, forms.text(form, "current_password"))
    except DomainError as exc:
        errors = {"current_password": exc.message}
    else:
        try:
            password = forms.text(form, "password")
            if password != forms.text(form, "password_again"):
                raise InvalidInput("The two passwords differ.", field="password_again")
            generation = await auth.set_password(deps, hasher, actor, member.id, password)
            keep_session(request, generation)  # the other sessions end
            return Redirect(path=f"/staff/{member.id}?password=changed", status_code=303)
        except DomainError as exc:
            errors = form_errors(exc)
    context = await _context(deps, actor, _values_of(member), {}, member=member)
    context["password_errors"] = errors
    return Template("directory/staff/page.html", context=context, status_code=422)


ROUTES = [staff_list, add_staff, staff_page, update_staff, change_own_password]
