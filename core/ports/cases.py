"""What the cases context needs to keep: case aggregates, their listing and history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from core.domain.cases.access import StaffScope
from core.domain.cases.case import Case, CaseStatus
from core.domain.cases.history import HistoryRecord
from core.domain.cases.kinds import CaseKind
from core.domain.cases.listing import CaseListing
from core.domain.shared.values import CaseId, OrganizationId, PersonId, StaffId
from core.ports.directory import DirectoryStore

# A case list says "200+ cases" rather than count further (see CaseListQuery.count_limit).
COUNT_CAP = 200


@dataclass(frozen=True, slots=True)
class CaseListQuery:
    """A page of the case list, as of `today`.

    `visible_to` None: every case; otherwise only cases that match one of the scopes (the actor's
    access, see `core.domain.cases.access.listing_scope`). `held_by`: only cases where that staff
    member holds one of the duties (the "clinician" filter). `text` matches the case name or a
    member's legal or preferred name.
    """

    today: date
    visible_to: tuple[StaffScope, ...] | None = None
    held_by: StaffScope | None = None
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    open_only: bool = False  # leave closed cases out (what can still be booked or changed)
    text: str = ""
    limit: int = 50
    offset: int = 0

    @property
    def count_limit(self) -> int:
        """How far the total is counted: past COUNT_CAP and past this page, by one, so that
        "more than that" shows without counting a whole practice's cases on every page."""
        return max(COUNT_CAP, self.offset + self.limit) + 1


class CaseRepository(Protocol):
    async def get(self, case_id: CaseId) -> Case | None:
        """The whole aggregate: memberships and every responsibility."""
        ...

    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]:
        """Whole aggregates in a fixed number of queries, in no particular order."""
        ...

    async def add(self, case: Case) -> None: ...
    async def update(self, case: Case) -> None: ...
    async def ids_for_person(self, person_id: PersonId) -> list[CaseId]:
        """Cases the person is related to: participant, person payer, helper, or recipient."""
        ...

    async def ids_for_people(self, person_ids: Iterable[PersonId]) -> dict[PersonId, list[CaseId]]:
        """`ids_for_person` of each person asked (an empty list for none) in one query."""
        ...

    async def list_page(self, query: CaseListQuery) -> tuple[list[CaseListing], int]:
        """One page of cases ordered by name (then id), as lists show them (not the whole
        aggregates), and how many match, counted up to `query.count_limit` (a total of
        count_limit means "at least that many")."""
        ...

    async def ids_for_organization(self, organization_id: OrganizationId) -> list[CaseId]: ...
    async def ids_for_staff(
        self, staff_ids: Iterable[StaffId], on: date | None = None
    ) -> list[CaseId]:
        """Cases where one of `staff_ids` has a staff assignment (on `on`, or ever)."""
        ...


class HistoryRepository(Protocol):
    async def append(self, event: HistoryRecord) -> None: ...
    async def for_case(self, case_id: CaseId, limit: int = 200) -> list[HistoryRecord]:
        """Newest first; of events at the same instant, the one recorded last comes first."""
        ...


@dataclass(frozen=True, slots=True)
class SessionGlance:
    """One session as the case page's head shows it (statuses and marks as their values:
    scheduling's words, which the cases context does not import)."""

    id: UUID
    start: datetime
    end: datetime
    status: str
    attendance: dict[PersonId, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScheduleGlance:
    """What the case page's head needs of the case's sessions as of `now`."""

    next_session: SessionGlance | None = None  # the first scheduled one not started yet
    last_session: SessionGlance | None = None  # the latest held (or late-cancelled, no-show)
    unrecorded: int = 0  # started, scheduled or completed, and nobody's attendance recorded
    unconfirmed: int = 0  # completed, billing codes not confirmed yet


class CaseGlanceReader(Protocol):
    async def glance(self, case_id: CaseId, now: datetime) -> ScheduleGlance:
        """In two statements whatever the number of sessions."""
        ...


class CasesStore(DirectoryStore, Protocol):
    """The cases context's store: the directory it names people from, plus cases and history,
    and a glance at the case's sessions for the case page's head."""

    @property
    def cases(self) -> CaseRepository: ...
    @property
    def history(self) -> HistoryRepository: ...
    @property
    def glances(self) -> CaseGlanceReader: ...
