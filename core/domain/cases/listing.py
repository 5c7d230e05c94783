"""A case as a list shows it: its own row, its staff and its members, no more.

A page of the case list is 50 cases; loading each whole (billing, communication, helpers,
diagnoses, corrections) spent half of the list's CPU at a large practice to print a name, a
kind, a provider and a count. What the list shows and what decides a staff member's access
(`access.staff_permissions`) need only these, read through the same `OnDay` methods as the
aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.domain.cases.case import Case, CaseStatus, Membership
from core.domain.cases.kinds import CaseKind, KindPolicy, policy
from core.domain.cases.responsibilities import StaffAssignment
from core.domain.cases.staffing import OnDay
from core.domain.shared.values import CaseId


@dataclass(frozen=True, slots=True)
class CaseListing(OnDay):
    id: CaseId
    kind: CaseKind
    name: str
    status: CaseStatus
    opened_on: date
    closed_on: date | None
    staff: tuple[StaffAssignment, ...]
    memberships: tuple[Membership, ...]

    @classmethod
    def of(cls, case: Case) -> CaseListing:
        return cls(
            id=case.id,
            kind=case.kind,
            name=case.name,
            status=case.status,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            staff=tuple(case.staff),
            memberships=tuple(case.memberships),
        )

    @property
    def policy(self) -> KindPolicy:
        return policy(self.kind)
