"""Single-use, expiring links for a staff member's account: a password reset (asked for by the
person from the sign-in page, or mailed to them by the owner) and the invitation with which a
new staff member sets their first password. The link carries a random secret; only its hash is
stored (core.domain.shared.secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from core.domain.shared.values import StaffId


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"


LIFETIME = {
    TokenPurpose.PASSWORD_RESET: timedelta(hours=1),
    TokenPurpose.INVITATION: timedelta(days=7),
}


@dataclass(frozen=True, slots=True)
class StaffToken:
    id: UUID
    staff_id: StaffId
    purpose: TokenPurpose
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
