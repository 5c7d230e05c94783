"""Staff sign-in and passwords. Hashing goes through the PasswordHasher port (argon2id)."""

from __future__ import annotations

from core.domain.access import Actor, StaffActor, may_manage_staff
from core.domain.credentials import Credentials, check_password_strength
from core.domain.errors import DomainError, Forbidden, NotFound
from core.domain.values import StaffId
from core.ports import PasswordHasher
from core.services.context import Deps


class SignInFailed(DomainError):
    code = "sign_in_failed"

    def __init__(self, message: str = "That email and password do not match.") -> None:
        super().__init__(message, field="password")


# Verified against when the email is unknown, so that both paths take as long.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"


async def sign_in(deps: Deps, hasher: PasswordHasher, email: str, password: str) -> StaffId:
    """The staff id for a correct email and password. Five failures in a row lock the account
    for 15 minutes; the message never says whether the email exists."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        staff = await uow.staff.by_email(email) if email.strip() else None
        credentials = await uow.credentials.get(staff.id) if staff and staff.active else None
        if credentials is None:
            hasher.verify(hasher.hash(_DUMMY_PASSWORD), password)
            raise SignInFailed()
        if credentials.is_locked(now):
            raise SignInFailed(
                "Too many failed attempts: this account is locked for a few minutes."
            )
        if not hasher.verify(credentials.password_hash, password):
            credentials.record_failure(now)
            await uow.credentials.save(credentials)
            await uow.commit()
            raise SignInFailed()
        credentials.record_success()
        if hasher.needs_rehash(credentials.password_hash):
            credentials.password_hash = hasher.hash(password)
        await uow.credentials.save(credentials)
        await uow.commit()
        return credentials.staff_id


async def set_password(
    deps: Deps, hasher: PasswordHasher, actor: Actor | None, staff_id: StaffId, password: str
) -> None:
    """Set a staff member's password: their own, or anyone's for the owner. `actor` None is
    the command line or first-run setup, which act as the practice itself."""
    if actor is not None and not (
        (isinstance(actor, StaffActor) and actor.id == staff_id) or may_manage_staff(actor)
    ):
        raise Forbidden("You can change your own password; the owner can set anyone's.")
    check_password_strength(password)
    async with deps.uow() as uow:
        if await uow.staff.get(staff_id) is None:
            raise NotFound("No such staff member.")
        await uow.credentials.save(Credentials(staff_id, hasher.hash(password)))
        await uow.commit()
