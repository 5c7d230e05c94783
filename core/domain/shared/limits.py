"""Request limits per client address (sign-in, password reset, invitation links) and per
account (the directory search): fixed windows counted in a store every worker shares."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.domain.shared.errors import DomainError

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class TooManyRequests(DomainError):
    code = "too_many_requests"

    def __init__(self, minutes: int, field: str | None = None) -> None:
        self.minutes = minutes
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            f"Too many requests from here for now: try again in {minutes} {unit}.", field=field
        )


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str  # "sign_in", "password_reset", "invitation", "search"
    max_hits: int
    window: timedelta

    def window_start(self, now: datetime) -> datetime:
        seconds = self.window.total_seconds()
        elapsed = (now - EPOCH).total_seconds()
        return EPOCH + timedelta(seconds=elapsed - elapsed % seconds)

    def minutes_left(self, now: datetime) -> int:
        end = self.window_start(now) + self.window
        return max(1, math.ceil((end - now).total_seconds() / 60))


# Generous for a practice behind one address (a clinic's network), far too few for guessing.
SIGN_IN = Limit("sign_in", 30, timedelta(minutes=15))  # failed passwords and codes together
PASSWORD_RESET = Limit("password_reset", 10, timedelta(hours=1))
INVITATION = Limit("invitation", 20, timedelta(hours=1))  # links opened and invitations sent
SEARCH = Limit("search", 200, timedelta(minutes=10))  # per account: each (debounced) keystroke
LONGEST = timedelta(hours=1)  # counters older than this are of no use any more
