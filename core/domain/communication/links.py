"""Confirm / cancel links: what a reminder or a notice hands its recipient to answer with.

One link per message, to a page where the recipient confirms or cancels the session without
signing in. The secret is random (`core.domain.shared.secrets`) and only its hash is stored; a
link works once (confirming or cancelling uses it up), until the session starts, and only for
the session's time it was made for (a session that moved needs the newer message's link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from core.domain.shared.values import PersonId

LINK_PATH = "/s/"  # + the secret: the page of the link


class LinkUse(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"


@dataclass(slots=True, kw_only=True)
class SessionLink:
    id: UUID
    appointment_id: UUID
    person_id: PersonId
    start: datetime  # the session's start when the link was made
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_for: LinkUse | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


def is_late(start: datetime, now: datetime, late_cancel_hours: int) -> bool:
    """Whether a cancellation now is inside the practice's late window (the fee applies)."""
    return start - now < timedelta(hours=late_cancel_hours)
