"""Staff accounts are made by invitation: the owner adds a staff member, and the same unit of
work mails them a single-use link, valid seven days, with which they set their own password.
Nobody sets another person's password (see `auth.set_password`): the owner can resend or revoke
an invitation, send a reset link, or deactivate an account — never sign in as someone else.
"""

from __future__ import annotations

from dataclasses import replace

from core.domain.cases.access import Actor, may_manage_staff
from core.domain.communication.messages import OutboundMessage
from core.domain.directory.parties import Channel, StaffMember
from core.domain.directory.tokens import StaffToken, TokenPurpose
from core.domain.shared.audit import AuditAction, Origin
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.ports import PasswordHasher, UnitOfWork
from core.services.communication.accounts import (
    AccountMailDeps,
    new_token,
    password_by_link,
    practice_name,
    queue_reset_link,
    usable_link,
)
from core.services.directory.staff import AddStaff, add_staff
from core.services.shared.audit import audit_change
from core.services.shared.use_case import Deps

INVALID_INVITATION = (
    "This invitation is not valid any more: it was used already, replaced by a newer one, "
    "revoked, or it expired (invitations last 7 days). Ask the practice owner for a new one."
)


def _invitation_mail(
    deps: AccountMailDeps, name: str, token: StaffToken, staff: StaffMember, secret: str
) -> OutboundMessage:
    link = f"{deps.public_url}/invitation/{secret}"
    body = (
        f"You are invited to {name}'s practice account on Hearth.\n\n"
        f"To choose your password and sign in, open this link within 7 days:\n{link}\n\n"
        "The link works once. If you did not expect this, ignore this email.\n"
    )
    return OutboundMessage(
        id=token.id,
        delivery_key=f"{TokenPurpose.INVITATION.value}:{token.id}",
        channel=Channel.EMAIL,
        to=staff.email,
        subject=f"Your account at {name}",
        body=body,
        due_at=token.created_at,
        created_at=token.created_at,
    )


async def _queue_invitation(deps: AccountMailDeps, uow: UnitOfWork, staff: StaffMember) -> None:
    """A new invitation link (an earlier one stops working) and its mail, in `uow`."""
    token, secret = new_token(deps, staff.id, TokenPurpose.INVITATION)
    await uow.staff_tokens.add(token)
    name = await practice_name(uow, deps.practice_name)
    await uow.outbox.queue(_invitation_mail(deps, name, token, staff, secret))


async def invite_staff(deps: AccountMailDeps, actor: Actor, cmd: AddStaff) -> StaffId:
    """Add a staff member and mail them their invitation, in one unit of work."""

    async def also(uow: UnitOfWork, staff: StaffMember) -> None:
        if not staff.email.strip():
            raise InvalidInput("An invitation needs the staff member's email.", field="email")
        await _queue_invitation(deps, uow, staff)

    return await add_staff(deps, actor, cmd, also=also)


async def _pending(uow: UnitOfWork, staff_id: StaffId) -> StaffMember:
    staff = await uow.staff.get(staff_id)
    if staff is None:
        raise NotFound("No such staff member.")
    if await uow.credentials.get(staff_id) is not None:
        raise InvalidInput(
            f"{staff.name} has set a password already: send a reset link instead.",
            field="invitation",
        )
    return staff


def _require_manager(actor: Actor) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner invites staff.")


async def resend_invitation(deps: AccountMailDeps, actor: Actor, staff_id: StaffId) -> None:
    """A new link for someone who has not accepted yet (the earlier link stops working)."""
    _require_manager(actor)
    async with deps.uow() as uow:
        staff = await _pending(uow, staff_id)
        if not staff.active:
            raise InvalidInput(
                "The account is deactivated: reactivate it first.", field="invitation"
            )
        await _queue_invitation(deps, uow, staff)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CREATE, "staff_invitation", staff_id)


async def revoke_invitation(deps: Deps, actor: Actor, staff_id: StaffId) -> None:
    """The link stops working and the account is deactivated (the owner can reactivate it
    and send a new invitation)."""
    _require_manager(actor)
    async with deps.uow() as uow:
        staff = await _pending(uow, staff_id)
        await uow.staff_tokens.expire(staff_id, TokenPurpose.INVITATION, deps.clock.now())
        if staff.active:
            await uow.staff.update(replace(staff, active=False))
        await uow.commit()
    await audit_change(deps, actor, AuditAction.END, "staff_invitation", staff_id)


async def send_reset_link(deps: AccountMailDeps, actor: Actor, staff_id: StaffId) -> bool:
    """The owner mails a staff member a link to set a new password themselves (at most a few
    an hour, as asking from the sign-in page). False when none was sent (enough this hour)."""
    _require_manager(actor)
    async with deps.uow() as uow:
        staff = await uow.staff.get(staff_id)
        if staff is None:
            raise NotFound("No such staff member.")
        if not staff.active or not staff.email:
            raise InvalidInput("The account is deactivated.", field="reset")
        if await uow.credentials.get(staff_id) is None:
            raise InvalidInput(
                f"{staff.name} has not accepted the invitation yet: resend it instead.",
                field="reset",
            )
        if not await queue_reset_link(deps, uow, staff):
            return False
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CREATE, "password_reset_link", staff_id)
    return True


async def usable_invitation(deps: Deps, secret: str) -> bool:
    return await usable_link(deps, secret, TokenPurpose.INVITATION)


async def accept_invitation(
    deps: Deps, hasher: PasswordHasher, secret: str, password: str, origin: Origin | None = None
) -> StaffId:
    """The invited person sets their own password through the link, once."""
    return await password_by_link(
        deps, hasher, secret, password, TokenPurpose.INVITATION, INVALID_INVITATION, origin
    )
