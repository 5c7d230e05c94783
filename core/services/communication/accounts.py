"""Links mailed to staff for their own account: "forgot your password" from the sign-in page.

Asking answers the same whether or not the address is a staff member's (nothing tells who works
here), and queues at most a few links an hour per account; the link is single-use, expires in an
hour, and only the newest one works. Setting the password through it ends every other session
of the account, as a password change does (the credentials' generation moves on).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

from core.domain.communication.messages import OutboundMessage
from core.domain.directory.credentials import check_password_strength
from core.domain.directory.parties import Channel, StaffMember
from core.domain.directory.tokens import LIFETIME, StaffToken, TokenPurpose
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord, Origin
from core.domain.shared.errors import InvalidInput
from core.domain.shared.secrets import hash_secret, new_secret
from core.domain.shared.values import StaffId
from core.ports import PasswordHasher, UnitOfWork
from core.services.shared.use_case import Deps

RESETS_PER_HOUR = 3
INVALID_LINK = "This link is not valid any more: links work once, for an hour. Ask for a new one."


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountMailDeps(Deps):
    """The ports, plus what a link needs: the address people reach Hearth at, and the name the
    practice signs its mail with."""

    public_url: str = "http://127.0.0.1:8000"
    practice_name: str = "Hearth practice"  # until the owner saves the practice's own

    @classmethod
    def of(cls, deps: Deps, public_url: str, practice_name: str) -> AccountMailDeps:
        shared = {f.name: getattr(deps, f.name) for f in fields(Deps)}
        return cls(**shared, public_url=public_url.rstrip("/"), practice_name=practice_name)


async def _audit(
    deps: Deps, staff_id: StaffId, what: str, origin: Origin | None, action: AuditAction
) -> None:
    where = origin or Origin()
    await deps.audit.record(
        AuditRecord(
            at=deps.clock.now(),
            actor_id=staff_id,
            action=action,
            object_type=what,
            object_id=staff_id,
            route=where.route,
            client_address=where.client_address,
        )
    )


async def practice_name(uow: UnitOfWork, fallback: str) -> str:
    """The name the practice signs its messages with: its saved details', else `fallback`."""
    practice = await uow.practice.get()
    return practice.name if practice is not None and practice.name else fallback


def _reset_mail(
    deps: AccountMailDeps, name: str, token: StaffToken, to: str, secret: str
) -> OutboundMessage:
    link = f"{deps.public_url}/password/reset/{secret}"
    body = (
        f"Someone asked to set a new password for your {name} account.\n\n"
        f"To choose a new password, open this link within the hour:\n{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    return OutboundMessage(
        id=token.id,
        delivery_key=f"{TokenPurpose.PASSWORD_RESET.value}:{token.id}",
        channel=Channel.EMAIL,
        to=to,
        subject=f"Set a new password for {name}",
        body=body,
        due_at=token.created_at,
        created_at=token.created_at,
    )


def new_token(deps: Deps, staff_id: StaffId, purpose: TokenPurpose) -> tuple[StaffToken, str]:
    """A new link's token (only its hash is stored) and the secret the link carries."""
    now = deps.clock.now()
    secret = new_secret()
    token_hash = hash_secret(secret)
    assert token_hash is not None  # new_secret makes secrets hash_secret accepts
    token = StaffToken(
        id=deps.ids.new(),
        staff_id=staff_id,
        purpose=purpose,
        token_hash=token_hash,
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    return token, secret


async def queue_reset_link(deps: AccountMailDeps, uow: UnitOfWork, staff: StaffMember) -> bool:
    """Queue a reset link to the staff member, unless a few were sent this hour already.
    False when nothing was queued."""
    now = deps.clock.now()
    recent = await uow.staff_tokens.count_since(
        staff.id, TokenPurpose.PASSWORD_RESET, now - timedelta(hours=1)
    )
    if recent >= RESETS_PER_HOUR:
        return False  # enough links in the mailbox already; asking again sends nothing
    token, secret = new_token(deps, staff.id, TokenPurpose.PASSWORD_RESET)
    await uow.staff_tokens.add(token)
    name = await practice_name(uow, deps.practice_name)
    await uow.outbox.queue(_reset_mail(deps, name, token, staff.email, secret))
    return True


async def request_password_reset(
    deps: AccountMailDeps, email: str, origin: Origin | None = None
) -> None:
    """Mail a reset link to the staff member with this address, if there is one (active);
    the caller says the same thing either way."""
    async with deps.uow() as uow:
        staff = await uow.staff.by_email(email) if email.strip() else None
        if staff is None or not staff.active or not staff.email:
            return
        if not await queue_reset_link(deps, uow, staff):
            return
        await uow.commit()
    await _audit(deps, staff.id, "password_reset_link", origin, AuditAction.CREATE)


async def usable_link(
    deps: Deps, secret: str, purpose: TokenPurpose = TokenPurpose.PASSWORD_RESET
) -> bool:
    """Whether the link of a reset (or invitation) mail still works (to show its form, or
    say it expired)."""
    token_hash = hash_secret(secret)
    if token_hash is None:
        return False
    async with deps.uow() as uow:
        token = await uow.staff_tokens.by_hash(token_hash)
    return token is not None and token.purpose is purpose and token.usable(deps.clock.now())


async def usable_reset_link(deps: Deps, secret: str) -> bool:
    return await usable_link(deps, secret, TokenPurpose.PASSWORD_RESET)


async def password_by_link(
    deps: Deps,
    hasher: PasswordHasher,
    secret: str,
    password: str,
    purpose: TokenPurpose,
    invalid: str,
    origin: Origin | None = None,
) -> StaffId:
    """Set the password of the link's account, once: the person sets their own. Returns
    whose it was (to sign in). `invalid`: what a used, revoked or expired link says."""
    check_password_strength(password)
    token_hash = hash_secret(secret)
    if token_hash is None:
        raise InvalidInput(invalid)
    password_hash = await hasher.hash(password)  # never inside the transaction
    now = deps.clock.now()
    async with deps.uow() as uow:
        token = await uow.staff_tokens.by_hash(token_hash)
        if token is None or token.purpose is not purpose or not token.usable(now):
            raise InvalidInput(invalid)
        staff = await uow.staff.get(token.staff_id)
        if staff is None or not staff.active or not await uow.staff_tokens.use(token.id, now):
            raise InvalidInput(invalid)
        await uow.credentials.set_password(token.staff_id, password_hash)
        await uow.commit()
    await _audit(deps, token.staff_id, AuditObject.STAFF, origin, AuditAction.CHANGE)
    return token.staff_id


async def reset_password(
    deps: Deps,
    hasher: PasswordHasher,
    secret: str,
    password: str,
    origin: Origin | None = None,
) -> StaffId:
    """Set the password of the reset link's account, once."""
    return await password_by_link(
        deps, hasher, secret, password, TokenPurpose.PASSWORD_RESET, INVALID_LINK, origin
    )
