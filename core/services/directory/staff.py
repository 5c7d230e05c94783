"""Use cases of the practice's staff: adding, changing, the first owner, the actor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from core.domain.cases.access import (
    Actor,
    StaffActor,
    may_manage_staff,
)
from core.domain.directory.credentials import check_password_strength
from core.domain.directory.parties import (
    Licensure,
    StaffMember,
    StaffRole,
)
from core.domain.directory.tokens import TokenPurpose
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.ports import DirectoryStore, PasswordHasher, UnitOfWork
from core.services.directory.auth import SignedIn, SignInFailed, sign_in
from core.services.directory.listing import require_directory
from core.services.shared.audit import audit_change
from core.services.shared.use_case import Command, Deps


class StaffDetails(Command, frozen=True, kw_only=True):
    name: str
    email: str
    roles: frozenset[StaffRole]
    licensure: Licensure = Licensure.LICENSED
    supervisor_id: StaffId | None = None
    supports: frozenset[StaffId] = frozenset()


class AddStaff(StaffDetails, frozen=True, kw_only=True):
    """A new staff member, without a password: nobody sets another person's password. The
    invitation (core.services.communication.invitations) mails them a link to set their own."""


class UpdateStaff(StaffDetails, frozen=True, kw_only=True):
    staff_id: StaffId
    version: int
    active: bool = True


async def _check_staff_links(uow: DirectoryStore, staff: StaffMember) -> None:
    """The named supervisor supervises, and the supported staff are clinicians."""
    linked = await uow.staff.get_many([*staff.supports, *filter(None, [staff.supervisor_id])])
    if staff.supervisor_id is not None:
        supervisor = linked.get(staff.supervisor_id)
        if supervisor is None or not supervisor.has(StaffRole.SUPERVISOR):
            raise InvalidInput(
                "The default supervisor must be a supervisor.", field="supervisor_id"
            )
    if staff.is_associate and staff.supervisor_id is None:
        raise InvalidInput("An associate needs a default supervisor.", field="supervisor_id")
    for clinician_id in staff.supports:
        clinician = linked.get(clinician_id)
        if clinician is None or not clinician.is_clinician:
            raise InvalidInput("Administrators support clinicians only.", field="supports")


def _staff(
    staff_id: StaffId, d: StaffDetails, version: int = 0, active: bool = True
) -> StaffMember:
    return StaffMember(
        id=staff_id,
        name=d.name,
        email=d.email,
        roles=d.roles,
        licensure=d.licensure,
        supervisor_id=d.supervisor_id,
        supports=d.supports,
        active=active,
        version=version,
    )


WithinAddition = Callable[[UnitOfWork, StaffMember], Awaitable[None]]


async def add_staff(
    deps: Deps, actor: Actor, cmd: AddStaff, also: WithinAddition | None = None
) -> StaffId:
    """Add a staff member (no password). `also` runs in the same unit of work, before the
    commit: the invitation queues its link there, so a refused addition mails nothing and an
    addition never happens without its invitation."""
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner adds staff.")
    staff = _staff(StaffId(deps.ids.new()), cmd)
    async with deps.uow() as uow:
        await _check_staff_links(uow, staff)
        await uow.staff.add(staff)
        if also is not None:
            await also(uow, staff)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CREATE, "staff", staff.id)
    return staff.id


async def create_first_owner(
    deps: Deps, hasher: PasswordHasher, name: str, email: str, password: str
) -> SignedIn:
    """The practice's first staff member, made by the setup step: an owner who is a clinician,
    with their password, in one unit of work (an owner without a password would lock the
    practice out for good). Refused once any staff member exists, so it cannot be used to take
    over a practice; two setups at once make one owner (`StaffRepository.add_first`)."""
    check_password_strength(password)
    password_hash = await hasher.hash(password)  # before the transaction: it takes a while
    staff = StaffMember(
        id=StaffId(deps.ids.new()),
        name=name,
        email=email,
        roles=frozenset({StaffRole.OWNER, StaffRole.CLINICIAN, StaffRole.SUPERVISOR}),
    )
    async with deps.uow() as uow:
        if not await uow.staff.add_first(staff):
            raise Forbidden("This practice already has staff; the owner adds the others.")
        generation = await uow.credentials.set_password(staff.id, password_hash)
        await uow.commit()
    return SignedIn(staff_id=staff.id, generation=generation)


async def _check_owners_remain(
    uow: DirectoryStore, actor: Actor, current: StaffMember, staff: StaffMember
) -> None:
    """Nobody deactivates themselves, and the practice keeps an active owner: otherwise nobody
    could manage staff or reset a password any more."""
    if isinstance(actor, StaffActor) and staff.id == actor.id:
        if not staff.active:
            raise InvalidInput("You cannot deactivate yourself.", field="active")
        if StaffRole.OWNER not in staff.roles:
            raise InvalidInput("You cannot remove your own owner role.", field="roles")
    was_owner = current.active and current.has(StaffRole.OWNER)
    if was_owner and not (staff.active and staff.has(StaffRole.OWNER)):
        others = [
            s
            for s in await uow.staff.list_all()
            if s.id != staff.id and s.active and s.has(StaffRole.OWNER)
        ]
        if not others:
            field = "roles" if staff.active else "active"
            raise InvalidInput(
                "The practice needs an active owner: make someone else owner first.",
                field=field,
            )


async def _check_email_is_theirs(
    uow: DirectoryStore, actor: Actor, current: StaffMember, staff: StaffMember
) -> None:
    """The sign-in email of an account in use is its owner's to change: had the practice
    owner changed it to a mailbox of hers, a reset link would have let her in as them."""
    if staff.email == current.email:
        return
    if isinstance(actor, StaffActor) and actor.id == staff.id:
        return
    if await uow.credentials.get(staff.id) is not None:
        raise InvalidInput(
            f"{current.name} signs in with this address: only they can change it, on their "
            "own staff page.",
            field="email",
        )


async def _end_links_to(
    uow: DirectoryStore, current: StaffMember, staff: StaffMember, at: datetime
) -> None:
    """A new address ends the invitation and reset links mailed to the old one: the owner
    corrects a mistyped address (the link went to a stranger), or someone leaves a mailbox
    they no longer trust. A new link goes to the new address on request."""
    if staff.email != current.email:
        for purpose in TokenPurpose:
            await uow.staff_tokens.expire(staff.id, purpose, at)


async def change_own_email(
    deps: Deps, hasher: PasswordHasher, actor: Actor, password: str, email: str
) -> StaffMember:
    """A staff member changes the address they sign in with, proving their password first
    (failures count towards the lockout, as any sign-in)."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members have a sign-in email.")
    async with deps.uow() as uow:
        current = await uow.staff.get(actor.id)
    if current is None:
        raise NotFound("No such staff member.")
    try:
        await sign_in(deps, hasher, current.email, password)
    except SignInFailed as failed:
        failed.field = "email_password"
        raise
    async with deps.uow() as uow:
        current = await uow.staff.get(actor.id)
        if current is None:
            raise NotFound("No such staff member.")
        changed = replace(current, email=email)
        await uow.staff.update(changed)
        await _end_links_to(uow, current, changed, deps.clock.now())
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CHANGE, "staff", actor.id)
    return changed


async def update_staff(deps: Deps, actor: Actor, cmd: UpdateStaff) -> StaffMember:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes staff.")
    async with deps.uow() as uow:
        current = await uow.staff.get(cmd.staff_id)
        if current is None:
            raise NotFound("No such staff member.")
        staff = _staff(cmd.staff_id, cmd, cmd.version, cmd.active)
        await _check_email_is_theirs(uow, actor, current, staff)
        await _check_owners_remain(uow, actor, current, staff)
        await _check_staff_links(uow, staff)
        await uow.staff.update(staff)
        await _end_links_to(uow, current, staff, deps.clock.now())
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CHANGE, "staff", staff.id)
    return staff


async def list_staff(deps: Deps, actor: Actor) -> list[StaffMember]:
    require_directory(actor)
    async with deps.uow() as uow:
        return await uow.staff.list_all()


async def load_actor(
    deps: Deps, staff_id: StaffId, *, owner_sees_clinical: bool = False
) -> StaffActor:
    """The actor for a staff member, or NotFound if they no longer work here (the command
    line, the demo, tests; a signed-in request goes through `auth.signed_in_actor`, which
    marks where the request starts for the staff directory's cache)."""
    async with deps.uow() as uow:
        staff = await uow.staff.get(staff_id)
        if staff is None or not staff.active:
            raise NotFound("No such staff member.")
        supervisees = await uow.staff.supervisees_of(staff_id)
    return StaffActor.of(staff, supervisees, owner_sees_clinical)
