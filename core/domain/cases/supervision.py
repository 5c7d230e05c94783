"""Which supervisor reviews a piece of work: the appointment's own override, else the case's
supervising clinician, else the provider's default supervisor (for associates)."""

from __future__ import annotations

from datetime import date

from core.domain.cases.case import Case
from core.domain.directory.parties import StaffMember
from core.domain.shared.values import StaffId


def effective_supervisor(
    case: Case,
    provider: StaffMember,
    day: date,
    appointment_override: StaffId | None = None,
) -> StaffId | None:
    if appointment_override is not None:
        return appointment_override
    case_level = case.supervisor_on(day)
    if case_level is not None:
        return case_level
    if provider.is_associate:
        return provider.supervisor_id
    return None
