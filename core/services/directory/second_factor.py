"""The second step of a staff sign-in: a TOTP code from an authenticator app, or one of the
recovery codes shown once at enrolment. The practice may require a factor of everyone (on by
default in production); then whoever has none enrols right after their password.

The code step keeps the password step's rules: every attempt is counted before it is checked
(the same lockout: five in a row lock the account for 15 minutes, and a correct password no
longer clears the count while a code is still owed), every failure says the same and costs the
same (both checks always run), and each TOTP time step and each recovery code passes once.

Nobody enrols, sees or resets a factor for someone else: the owner can only remove one, which
also ends that person's sessions; they enrol again themselves after their own password.
"""

from __future__ import annotations

import hmac
from enum import StrEnum

import msgspec

from core.domain.cases.access import Actor, StaffActor, may_manage_staff
from core.domain.directory.credentials import LOCKOUT_RULE
from core.domain.directory.practice import PRACTICE_ID
from core.domain.directory.second_factor import (
    SecondFactor,
    looks_like_totp,
    new_recovery_codes,
    normalise_code,
    recovery_hash,
)
from core.domain.shared.audit import AuditAction, Origin
from core.domain.shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import StaffId
from core.ports.one_time_codes import OneTimeCodes
from core.services.directory.auth import _audit_sign_in as audit_sign_in
from core.services.shared.audit import audit_change
from core.services.shared.use_case import Deps

FACTOR = "second_factor"


class SecondStep(StrEnum):
    NONE = "none"  # the password was all
    CODE = "code"  # a code from the enrolled factor
    ENROL = "enrol"  # the practice requires a factor, and this person has none yet


class CodeRejected(DomainError):
    """One message for a wrong, reused or malformed code and for a locked account."""

    code = "code_rejected"

    def __init__(self) -> None:
        super().__init__(
            "That code does not work. Codes work once; after repeated failures the account "
            "is locked for a few minutes.",
            field="code",
        )


class FactorStatus(msgspec.Struct, frozen=True, kw_only=True):
    enrolled: bool
    recovery_codes_left: int
    required: bool


async def factor_required(deps: Deps, default: bool) -> bool:
    """Whether the practice requires a second factor: the owner's choice, else `default`
    (on in production mode)."""
    async with deps.uow() as uow:
        chosen = await uow.second_factors.required()
    return default if chosen is None else chosen


async def set_factor_required(deps: Deps, actor: Actor, required: bool) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner decides this.")
    async with deps.uow() as uow:
        await uow.second_factors.set_required(required)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.CHANGE, "account_policy", PRACTICE_ID)


async def second_step(deps: Deps, staff_id: StaffId, required_by_default: bool) -> SecondStep:
    """What a staff member whose password was right must do before they are signed in."""
    async with deps.uow() as uow:
        factor = await uow.second_factors.get(staff_id)
        chosen = await uow.second_factors.required()
    if factor is not None:
        return SecondStep.CODE
    required = required_by_default if chosen is None else chosen
    return SecondStep.ENROL if required else SecondStep.NONE


async def status(deps: Deps, staff_id: StaffId, required_by_default: bool) -> FactorStatus:
    async with deps.uow() as uow:
        factor = await uow.second_factors.get(staff_id)
        left = await uow.second_factors.recovery_codes_left(staff_id)
        chosen = await uow.second_factors.required()
    required = required_by_default if chosen is None else chosen
    return FactorStatus(enrolled=factor is not None, recovery_codes_left=left, required=required)


def _hashed_codes() -> tuple[list[str], list[str]]:
    shown = new_recovery_codes()
    return shown, [recovery_hash(c) for c in shown]


async def enrol(
    deps: Deps,
    codes: OneTimeCodes,
    staff_id: StaffId,
    secret: str,
    typed: str,
    origin: Origin | None = None,
    current: str = "",
) -> list[str]:
    """Enrol the authenticator that shows `typed` for `secret` (the staff member's own: the
    caller has their password-checked session), replacing any earlier factor — which takes
    `current`, a code of that factor (as new recovery codes do: a session left open must not
    let someone put their phone in its place). Returns the recovery codes, to show once: only
    their hashes are kept."""
    now = deps.clock.now()
    code = normalise_code(typed)
    step = codes.matching_step(secret, code, now) if looks_like_totp(code) else None
    if step is None:
        raise InvalidInput(
            "That code does not match: type the 6 digits your app shows now.", field="code"
        )
    async with deps.uow() as uow:
        enrolled = await uow.second_factors.get(staff_id)
    # The same key again is the second click of this enrolment, no takeover: whoever holds
    # the key makes its codes. Then the second enrols too, and the codes shown are the ones
    # that work.
    if enrolled is not None and not hmac.compare_digest(enrolled.secret, secret):
        try:
            await verify_code(deps, codes, staff_id, current, origin)
        except CodeRejected as rejected:
            rejected.field = "current"
            raise
    shown, hashes = _hashed_codes()
    async with deps.uow() as uow:
        if await uow.staff.get(staff_id) is None:
            raise NotFound("No such staff member.")
        factor = SecondFactor(staff_id=staff_id, secret=secret, enrolled_at=now, last_step=step)
        await uow.second_factors.enrol(factor, hashes)
        await uow.commit()
    await _audit(deps, AuditAction.CREATE, staff_id, origin)
    return shown


async def _audit(deps: Deps, action: AuditAction, staff_id: StaffId, origin: Origin | None) -> None:
    """An entry by the staff member about their own factor, as the sign-in's own entries."""
    await audit_sign_in(deps, action, staff_id, origin, FACTOR)


async def verify_code(
    deps: Deps, codes: OneTimeCodes, staff_id: StaffId, typed: str, origin: Origin | None = None
) -> None:
    """Check a TOTP or recovery code of `staff_id` (whose password was just right), counted
    towards the lockout first; `CodeRejected` for every failure. Written to the audit log."""
    try:
        await _verify(deps, codes, staff_id, typed[:64])
    except CodeRejected:
        await _audit(deps, AuditAction.SIGN_IN_FAILED, staff_id, origin)
        raise
    await _audit(deps, AuditAction.SIGN_IN, staff_id, origin)


async def _verify(deps: Deps, codes: OneTimeCodes, staff_id: StaffId, typed: str) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        factor = await uow.second_factors.get(staff_id)
        claimed = await uow.credentials.claim_attempt(staff_id, now, LOCKOUT_RULE)
        await uow.commit()
    # Both checks, whatever was typed: a failure costs the same as any other.
    code = normalise_code(typed)
    secret = factor.secret if factor is not None else codes.new_secret()
    step = codes.matching_step(secret, code, now) if looks_like_totp(code) else None
    code_hash = recovery_hash(code)
    if factor is None or claimed is None:
        raise CodeRejected()
    async with deps.uow() as uow:
        if step is not None:
            accepted = await uow.second_factors.accept_step(staff_id, step)
        else:
            accepted = await uow.second_factors.use_recovery_code(staff_id, code_hash, now)
        if not accepted:
            await uow.commit()  # what was used stays used
            raise CodeRejected()
        await uow.credentials.record_success(staff_id)
        await uow.commit()


def _own(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members have a second factor.")
    return actor


async def renew_recovery_codes(
    deps: Deps, codes: OneTimeCodes, actor: Actor, typed: str, origin: Origin | None = None
) -> list[str]:
    """New recovery codes for one's own factor (the old ones stop working), after a current
    code: a borrowed session alone cannot take the factor over."""
    me = _own(actor)
    await verify_code(deps, codes, me.id, typed, origin)
    shown, hashes = _hashed_codes()
    async with deps.uow() as uow:
        await uow.second_factors.replace_recovery_codes(me.id, hashes)
        await uow.commit()
    await _audit(deps, AuditAction.CHANGE, me.id, origin)
    return shown


async def turn_off(
    deps: Deps,
    codes: OneTimeCodes,
    actor: Actor,
    typed: str,
    required_by_default: bool,
    origin: Origin | None = None,
) -> None:
    """Remove one's own factor, after a current code; refused while the practice requires one."""
    me = _own(actor)
    if await factor_required(deps, required_by_default):
        raise InvalidInput(
            "The practice requires a second factor: you can set up a new one, not none.",
            field="code",
        )
    await verify_code(deps, codes, me.id, typed, origin)
    async with deps.uow() as uow:
        await uow.second_factors.remove(me.id)
        await uow.commit()
    await _audit(deps, AuditAction.END, me.id, origin)


async def require_new_enrolment(deps: Deps, actor: Actor, staff_id: StaffId) -> None:
    """The owner removes someone's lost or compromised factor: their sessions end, and they
    enrol a new one themselves after their own password (when the practice requires one). The
    owner never sees, chooses or uses a factor: she cannot sign in as them with this."""
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner can require a new enrolment.")
    async with deps.uow() as uow:
        if await uow.staff.get(staff_id) is None:
            raise NotFound("No such staff member.")
        await uow.second_factors.remove(staff_id)
        await uow.credentials.end_sessions(staff_id)
        await uow.commit()
    await audit_change(deps, actor, AuditAction.END, FACTOR, staff_id)
