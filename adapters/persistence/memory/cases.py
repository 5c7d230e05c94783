"""In-memory repositories of cases and their history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from adapters.persistence.memory.store import MemoryStore, Repository, Table
from core.domain.cases.case import Case, CaseStatus
from core.domain.cases.history import HistoryRecord
from core.domain.cases.listing import CaseListing
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import Person
from core.domain.shared.values import CaseId, OrganizationId, PersonId, StaffId
from core.ports import CaseListQuery
from core.ports.cases import ScheduleGlance, SessionGlance


class MemoryCaseRepository(Repository[Case]):
    def __init__(self, table: Table[Case], people: Table[Person]) -> None:
        super().__init__(table)
        self._people = people

    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]:  # type: ignore[override]
        return list((await super().get_many(ids)).values())

    def _ids(self, related: Callable[[Case], bool]) -> list[CaseId]:
        return sorted(c.id for c in self._t.visible() if related(c))

    async def list_page(self, query: CaseListQuery) -> tuple[list[CaseListing], int]:
        text = query.text.strip().casefold()
        names = (
            {
                p.id: (p.legal_name.casefold(), p.preferred_name.casefold())
                for p in self._people.visible()
            }
            if text
            else {}
        )

        def matches(c: Case) -> bool:
            return (
                (
                    query.visible_to is None
                    or any(scope.matches(c, query.today) for scope in query.visible_to)
                )
                and (query.held_by is None or query.held_by.matches(c, query.today))
                and (query.kind is None or c.kind is query.kind)
                and (query.status is None or c.status is query.status)
                and not (query.open_only and c.status is CaseStatus.CLOSED)
                and (
                    not text
                    or text in c.name.casefold()
                    or any(
                        text in name for m in c.memberships for name in names.get(m.person_id, ())
                    )
                )
            )

        found = sorted(
            (c for c in self._t.visible() if matches(c)),
            key=lambda c: (c.name.casefold(), str(c.id)),
        )[: query.count_limit]
        page = found[query.offset : query.offset + query.limit]
        return [CaseListing.of(c) for c in page], len(found)

    async def ids_for_person(self, person_id: PersonId) -> list[CaseId]:
        return (await self.ids_for_people([person_id]))[person_id]

    async def ids_for_people(self, person_ids: Iterable[PersonId]) -> dict[PersonId, list[CaseId]]:
        found: dict[PersonId, list[CaseId]] = {p: [] for p in person_ids}
        for c in sorted(self._t.visible(), key=lambda c: c.id):
            for p in c.related_person_ids() & found.keys():
                found[p].append(c.id)
        return found

    async def ids_for_organization(self, organization_id: OrganizationId) -> list[CaseId]:
        return self._ids(
            lambda c: any(
                b.payer.kind is PayerKind.ORGANIZATION and b.payer.id == organization_id
                for b in c.billing
            )
        )

    async def ids_for_staff(
        self, staff_ids: Iterable[StaffId], on: date | None = None
    ) -> list[CaseId]:
        wanted = set(staff_ids)
        return self._ids(
            lambda c: any(
                a.staff_id in wanted and (on is None or a.period.contains(on)) for a in c.staff
            )
        )


class MemoryHistoryRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._committed = store.history
        self.staged: list[HistoryRecord] = []

    async def append(self, event: HistoryRecord) -> None:
        self.staged.append(event)

    async def for_case(self, case_id: CaseId, limit: int = 200) -> list[HistoryRecord]:
        events = [e for e in [*self._committed, *self.staged] if e.case_id == case_id]
        # Newest first; of events at the same instant, the one recorded last comes first.
        events.reverse()
        events.sort(key=lambda e: e.at, reverse=True)
        return events[:limit]


class MemoryCaseGlance:
    """As `SqlCaseGlance`, over the appointments table (of scheduling; read by field names,
    so that this module imports nothing of scheduling)."""

    def __init__(self, appointments: Table[Any]) -> None:
        self._appointments = appointments

    async def glance(self, case_id: CaseId, now: datetime) -> ScheduleGlance:
        mine = sorted(
            (a for a in self._appointments.visible() if a.case_id == case_id),
            key=lambda a: (a.start, a.id),
        )
        upcoming = [a for a in mine if a.status == "scheduled" and a.start >= now]
        past = [a for a in mine if a.start < now]
        held = [a for a in past if a.status in ("completed", "no_show", "late_cancelled")]

        def session(a: Any) -> SessionGlance:
            marks = {PersonId(p): str(mark) for p, mark in a.attendance.items()}
            return SessionGlance(
                id=a.id, start=a.start, end=a.end, status=str(a.status), attendance=marks
            )

        return ScheduleGlance(
            next_session=session(upcoming[0]) if upcoming else None,
            last_session=session(held[-1]) if held else None,
            unrecorded=sum(
                1 for a in past if a.status in ("scheduled", "completed") and not a.attendance
            ),
            unconfirmed=sum(1 for a in past if a.status == "completed" and a.codes is None),
        )
