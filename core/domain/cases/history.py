"""The record of who changed what in a case, kept forever and never edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from core.domain.shared.values import CaseId, StaffId


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One change to a case. `actor_id` is who really did it; `on_behalf_of` is the clinician
    whose work an administrator was doing. Clinical events are hidden from non-clinical readers."""

    id: UUID
    case_id: CaseId
    at: datetime
    actor_id: StaffId | None
    action: str
    summary: str
    clinical: bool = False
    on_behalf_of: StaffId | None = None
