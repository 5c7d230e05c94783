"""Staff sign-in and passwords. Hashing goes through the PasswordHasher port (argon2id), off the
event loop, and never inside a unit of work (no transaction waits for a hash)."""

from __future__ import annotations

import weakref

import msgspec

from core.domain.cases.access import Actor, StaffActor
from core.domain.directory.credentials import LOCKOUT_RULE, check_password_strength
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord, Origin
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.domain.shared.values import StaffId
from core.ports import PasswordHasher
from core.services.shared.use_case import Deps


class SignInFailed(DomainError):
    """One message for every failure (unknown email, wrong password, locked account), so the
    answer never says which emails belong to staff."""

    code = "sign_in_failed"

    def __init__(self, staff_id: StaffId | None = None) -> None:
        self.staff_id = staff_id  # whose email was given, for the audit log only
        super().__init__(
            "That email and password do not match. After repeated failures an account is "
            "locked for a few minutes.",
            field="password",
        )


PASSWORD_ONLY = "password"


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """Who signed in, and the generation of their password (a session ends when it changes)."""

    staff_id: StaffId
    generation: int
    code_owed: bool = False  # a second factor is enrolled: signed in only after its code


# A real hash of no one's password, made once per hasher on first need: a sign-in that fails
# before reaching a real hash verifies against it, so every failure costs one verify.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"
_dummy_hashes: weakref.WeakKeyDictionary[PasswordHasher, str] = weakref.WeakKeyDictionary()


async def _dummy_hash(hasher: PasswordHasher) -> str:
    if hasher not in _dummy_hashes:
        _dummy_hashes[hasher] = await hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[hasher]


async def _audit_sign_in(
    deps: Deps,
    action: AuditAction,
    staff_id: StaffId | None,
    origin: Origin | None,
    what: str = AuditObject.STAFF,
) -> None:
    """An entry for a sign-in, a failed one (the staff member whose email was given, None for
    an unknown email; the email itself is not kept) or a sign-out."""
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


async def signed_out(deps: Deps, staff_id: StaffId, origin: Origin | None = None) -> None:
    """Write the sign-out of `staff_id` to the audit log."""
    await _audit_sign_in(deps, AuditAction.SIGN_OUT, staff_id, origin)


async def authenticate(
    deps: Deps, hasher: PasswordHasher, email: str, password: str, origin: Origin | None = None
) -> SignedIn:
    """Check an email and password. Each attempt is counted before the password is checked
    (five in a row without success lock the account for 15 minutes), so concurrent guesses
    get no more tries than sequential ones. Every attempt is written to the audit log."""
    try:
        signed_in = await _authenticate(deps, hasher, email, password)
    except SignInFailed as failed:
        await _audit_sign_in(deps, AuditAction.SIGN_IN_FAILED, failed.staff_id, origin)
        raise
    # With a code still owed, the entry is for the password only ("password"); the code step
    # writes the sign-in itself ("second_factor").
    what = PASSWORD_ONLY if signed_in.code_owed else AuditObject.STAFF
    await _audit_sign_in(deps, AuditAction.SIGN_IN, signed_in.staff_id, origin, what)
    return signed_in


async def _authenticate(deps: Deps, hasher: PasswordHasher, email: str, password: str) -> SignedIn:
    now = deps.clock.now()
    async with deps.uow() as uow:
        staff = await uow.staff.by_email(email) if email.strip() else None
        claimed = None
        code_owed = False
        if staff is not None and staff.active:
            claimed = await uow.credentials.claim_attempt(staff.id, now, LOCKOUT_RULE)
            code_owed = await uow.second_factors.get(staff.id) is not None
            await uow.commit()
    if claimed is None:
        await hasher.verify(await _dummy_hash(hasher), password)
        raise SignInFailed(staff.id if staff is not None else None)
    if not await hasher.verify(claimed.password_hash, password):
        raise SignInFailed(claimed.staff_id)
    new_hash = await hasher.hash(password) if hasher.needs_rehash(claimed.password_hash) else None
    async with deps.uow() as uow:
        if not code_owed:  # else the code step clears the count: its guesses add up with these
            await uow.credentials.record_success(claimed.staff_id)
        if new_hash is not None:
            await uow.credentials.rehash(claimed.staff_id, claimed.password_hash, new_hash)
        await uow.commit()
    return SignedIn(staff_id=claimed.staff_id, generation=claimed.generation, code_owed=code_owed)


async def sign_in(deps: Deps, hasher: PasswordHasher, email: str, password: str) -> StaffId:
    """The staff id for a correct email and password (see `authenticate`)."""
    return (await authenticate(deps, hasher, email, password)).staff_id


async def has_password(deps: Deps, staff_id: StaffId) -> bool:
    """Whether the staff member has set a password (else an invitation is all they have)."""
    async with deps.uow() as uow:
        return await uow.credentials.get(staff_id) is not None


async def session_is_current(deps: Deps, staff_id: StaffId, generation: int) -> bool:
    """Whether a session signed in with password generation `generation` may go on: false
    once the password was changed or reset since."""
    async with deps.uow() as uow:
        credentials = await uow.credentials.get(staff_id)
    return credentials is not None and credentials.generation == generation


async def signed_in_actor(
    deps: Deps, staff_id: StaffId, generation: int | None, *, owner_sees_clinical: bool = False
) -> StaffActor | None:
    """The actor of a session signed in as `staff_id` with password generation `generation`,
    or None when it may not go on: the staff member was deactivated or removed, or their
    password was changed or reset since. One statement (`StaffRepository.signed_in`), which
    also tells the staff directory's cache whether it is still current."""
    async with deps.uow() as uow:
        record = await uow.staff.signed_in(staff_id)
    if record is None or not record.staff.active:
        return None
    if generation is None or record.generation != generation:
        return None
    return StaffActor.of(record.staff, record.supervisees, owner_sees_clinical)


async def set_password(
    deps: Deps, hasher: PasswordHasher, actor: Actor | None, staff_id: StaffId, password: str
) -> int:
    """Set a staff member's password: only their own. Nobody, the owner included, sets another
    person's password: one she knew would let her sign in as a clinician and read what she
    may not (`HEARTH_OWNER_SEES_CLINICAL`). A forgotten password is reset by its owner through
    an emailed link. `actor` None is the command line and the demo loader, which write to the
    store as the practice itself. Every session signed in with an earlier password ends; the
    new generation is returned, for the session of whoever changed their own to go on."""
    if actor is not None and not (isinstance(actor, StaffActor) and actor.id == staff_id):
        raise Forbidden("You can change your own password only; the owner can send a reset link.")
    check_password_strength(password)
    password_hash = await hasher.hash(password)
    async with deps.uow() as uow:
        if await uow.staff.get(staff_id) is None:
            raise NotFound("No such staff member.")
        generation = await uow.credentials.set_password(staff_id, password_hash)
        await uow.commit()
    return generation
