"""A staff member's password credential and the lockout after repeated failed sign-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.errors import InvalidInput
from core.domain.values import StaffId

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password has at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD} characters.", field="password")


@dataclass(slots=True)
class Credentials:
    staff_id: StaffId
    password_hash: str
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: datetime) -> None:
        """Count a failed attempt; the fifth in a row locks the account for a while."""
        self.failed_attempts += 1
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            self.locked_until = now + LOCKOUT
            self.failed_attempts = 0

    def record_success(self) -> None:
        self.failed_attempts = 0
        self.locked_until = None
