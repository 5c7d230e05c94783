"""Who was on a case on a given day: its members and its staff by duty.

Read off the whole aggregate (`Case`) and off a list's light read of a case (`CaseListing`) by
these same methods, so that access (`access.py`) and list rows are decided one way for both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from core.domain.cases.responsibilities import StaffAssignment, StaffDuty
from core.domain.shared.values import StaffId

if TYPE_CHECKING:
    from core.domain.cases.case import Membership


class OnDay:
    __slots__ = ()

    opened_on: date
    closed_on: date | None
    memberships: Sequence[Membership]
    staff: Sequence[StaffAssignment]

    def members_on(self, day: date) -> list[Membership]:
        return [m for m in self.memberships if m.period.contains(day)]

    def staff_on(self, day: date, duty: StaffDuty | None = None) -> list[StaffAssignment]:
        return [
            a for a in self.staff if a.period.contains(day) and (duty is None or a.duty is duty)
        ]

    def responsible_provider_on(self, day: date) -> StaffId | None:
        current = self.staff_on(day, StaffDuty.RESPONSIBLE_PROVIDER)
        return current[0].staff_id if current else None

    def supervisor_on(self, day: date) -> StaffId | None:
        current = self.staff_on(day, StaffDuty.SUPERVISOR)
        return current[0].staff_id if current else None

    def duties_of(self, staff_id: StaffId, day: date) -> set[StaffDuty]:
        return {a.duty for a in self.staff_on(day) if a.staff_id == staff_id}
