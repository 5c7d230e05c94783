"""Staff sign-in and passwords. Hashing goes through the PasswordHasher port (argon2id), off the
event loop, and never inside a unit of work (no transaction waits for a hash)."""

from __future__ import annotations

import weakref

import msgspec

from core.domain.cases.access import Actor, StaffActor, may_manage_staff
from core.domain.directory.credentials import LOCKOUT_RULE, check_password_strength
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.domain.shared.values import StaffId
from core.ports import PasswordHasher
from core.services.shared.use_case import Deps


class SignInFailed(DomainError):
    """One message for every failure (unknown email, wrong password, locked account), so the
    answer never says which emails belong to staff."""

    code = "sign_in_failed"

    def __init__(self) -> None:
        super().__init__(
            "That email and password do not match. After repeated failures an account is "
            "locked for a few minutes.",
            field="password",
        )


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """Who signed in, and the generation of their password (a session ends when it changes)."""

    staff_id: StaffId
    generation: int


# A real hash of no one's password, made once per hasher on first need: a sign-in that fails
# before reaching a real hash verifies against it, so every failure costs one verify.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"
_dummy_hashes: weakref.WeakKeyDictionary[PasswordHasher, str] = weakref.WeakKeyDictionary()


async def _dummy_hash(hasher: PasswordHasher) -> str:
    if hasher not in _dummy_hashes:
        _dummy_hashes[hasher] = await hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[hasher]


async def authenticate(deps: Deps, hasher: PasswordHasher, email: str, password: str) -> SignedIn:
    """Check an email and password. Each attempt is counted before the password is checked
    (five in a row without success lock the account for 15 minutes), so concurrent guesses
    get no more tries than sequential ones."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        staff = await uow.staff.by_email(email) if email.strip() else None
        claimed = None
        if staff is not None and staff.active:
            claimed = await uow.credentials.claim_attempt(staff.id, now, LOCKOUT_RULE)
            await uow.commit()
    if claimed is None:
        await hasher.verify(await _dummy_hash(hasher), password)
        raise SignInFailed()
    if not await hasher.verify(claimed.password_hash, password):
        raise SignInFailed()
    new_hash = await hasher.hash(password) if hasher.needs_rehash(claimed.password_hash) else None
    async with deps.uow() as uow:
        await uow.credentials.record_success(claimed.staff_id)
        if new_hash is not None:
            await uow.credentials.rehash(claimed.staff_id, claimed.password_hash, new_hash)
        await uow.commit()
    return SignedIn(staff_id=claimed.staff_id, generation=claimed.generation)


async def sign_in(deps: Deps, hasher: PasswordHasher, email: str, password: str) -> StaffId:
    """The staff id for a correct email and password (see `authenticate`)."""
    return (await authenticate(deps, hasher, email, password)).staff_id


async def session_is_current(deps: Deps, staff_id: StaffId, generation: int) -> bool:
    """Whether a session signed in with password generation `generation` may go on: false
    once the password was changed or reset since."""
    async with deps.uow() as uow:
        credentials = await uow.credentials.get(staff_id)
    return credentials is not None and credentials.generation == generation


async def set_password(
    deps: Deps, hasher: PasswordHasher, actor: Actor | None, staff_id: StaffId, password: str
) -> int:
    """Set a staff member's password: their own, or anyone's for the owner. `actor` None is
    the command line or first-run setup, which act as the practice itself. Every session
    signed in with an earlier password ends; the new generation is returned, for the session
    of whoever changed their own password to go on."""
    if actor is not None and not (
        (isinstance(actor, StaffActor) and actor.id == staff_id) or may_manage_staff(actor)
    ):
        raise Forbidden("You can change your own password; the owner can set anyone's.")
    check_password_strength(password)
    password_hash = await hasher.hash(password)
    async with deps.uow() as uow:
        if await uow.staff.get(staff_id) is None:
            raise NotFound("No such staff member.")
        generation = await uow.credentials.set_password(staff_id, password_hash)
        await uow.commit()
    return generation
