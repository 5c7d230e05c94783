"""A staff member's password credential and the lockout after repeated failed sign-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import StaffId

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password has at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD} characters.", field="password")


@dataclass(frozen=True, slots=True)
class LockoutRule:
    """How many sign-in attempts in a row may fail, and for how long the account then locks.
    The repository applies it atomically (see `CredentialRepository.claim_attempt`)."""

    max_attempts: int = MAX_FAILED_ATTEMPTS
    lockout: timedelta = LOCKOUT

    def locked_until(self, now: datetime) -> datetime:
        return now + self.lockout


LOCKOUT_RULE = LockoutRule()


@dataclass(slots=True)
class Credentials:
    """`failed_attempts` counts sign-in attempts since the last success or lock (each is counted
    before its password is checked, so concurrent guesses cannot outrun the count);
    `generation` changes with every new password, which ends the sessions signed in before."""

    staff_id: StaffId
    password_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None
    generation: int = 1

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def claim_attempt(self, now: datetime, rule: LockoutRule = LOCKOUT_RULE) -> bool:
        """Count one attempt unless locked; the one that reaches the limit locks the account
        (and may still be checked). False when locked: the password must not be checked."""
        if self.is_locked(now):
            return False
        self.failed_attempts += 1
        if self.failed_attempts >= rule.max_attempts:
            self.failed_attempts = 0
            self.locked_until = rule.locked_until(now)
        return True

    def record_success(self) -> None:
        self.failed_attempts = 0
        self.locked_until = None
