"""A clinician's private calendar feed: a secret address their calendar app subscribes to.

Only a hash of the secret is kept (core.domain.shared.secrets), so a copy of the database does
not open anyone's feed; a new secret replaces the old one, and revoking deletes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.domain.shared.values import StaffId


@dataclass(slots=True)
class CalendarFeed:
    staff_id: StaffId
    token_hash: str
    include_names: bool  # the clinician chose to see case names instead of initials
    created_at: datetime


def initials(name: str) -> str:
    """ "Maya & Sam" → "M.S.": enough for the clinician to tell cases apart, not a name."""
    letters = [w[0].upper() for w in re.findall(r"[^\W\d_]+", name)]
    return ".".join(letters[:4]) + "." if letters else "—"
