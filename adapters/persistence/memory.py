"""The in-memory unit of work: a first-class adapter that behaves like the databases.

Readers get copies, never the stored objects; writes are staged in the unit of work and reach
the shared store only on commit, after the same version and uniqueness checks the SQL adapters
make. Leaving without commit discards the staged writes, exactly like a rolled-back transaction.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from adapters.persistence.memory_scheduling import (
    SCHEDULING_TABLES,
    MemoryAppointmentRepository,
    MemoryCalendarFeedRepository,
    MemoryServiceRepository,
    check_at_commit,
)
from core.domain.case import Case, CaseStatus
from core.domain.credentials import Credentials, LockoutRule
from core.domain.errors import ConcurrencyConflict, InvalidInput
from core.domain.history import CaseEvent
from core.domain.parties import Organization, Person, StaffMember
from core.domain.responsibilities import PayerKind
from core.domain.values import CaseId, OrganizationId, PersonId, StaffId
from core.ports import CaseListQuery

E = TypeVar("E", bound=Any)


@dataclass
class MemoryStore:
    """What a database would hold. Shared by every unit of work of one application."""

    tables: dict[str, dict[Any, Any]] = field(
        default_factory=lambda: {
            "people": {},
            "organizations": {},
            "staff": {},
            "cases": {},
            "credentials": {},
            **{name: {} for name, _ in SCHEDULING_TABLES},
        }
    )
    history: list[CaseEvent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Table(Generic[E]):
    """One table as seen from one unit of work: the store overlaid with staged writes."""

    def __init__(self, store: MemoryStore, name: str, what: str) -> None:
        self._rows: dict[Any, E] = store.tables[name]
        self.what = what
        self.staged: dict[Any, E] = {}
        self.expected: dict[Any, int | None] = {}  # version read from the store; None: new row

    def visible(self) -> Iterator[E]:
        for key, row in self._rows.items():
            if key not in self.staged:
                yield row
        yield from self.staged.values()

    def get(self, key: Any) -> E | None:
        row = self.staged.get(key, self._rows.get(key))
        return copy.deepcopy(row)

    def add(self, entity: E) -> None:
        if entity.id in self._rows or entity.id in self.staged:
            raise InvalidInput(f"This {self.what} exists already.")
        self.staged[entity.id] = copy.deepcopy(entity)
        self.expected[entity.id] = None

    def update(self, entity: E) -> None:
        current = self.staged.get(entity.id, self._rows.get(entity.id))
        if current is None or current.version != entity.version:
            raise ConcurrencyConflict(f"This {self.what}")
        self.expected.setdefault(entity.id, entity.version)
        entity.version += 1
        self.staged[entity.id] = copy.deepcopy(entity)

    def check(self) -> None:
        for key, version in self.expected.items():
            stored = self._rows.get(key)
            if (version is None) != (stored is None) or (
                stored is not None and stored.version != version
            ):
                if version is None:
                    raise InvalidInput(f"This {self.what} exists already.")
                raise ConcurrencyConflict(f"This {self.what}")

    def apply(self) -> None:
        self._rows.update(self.staged)
        self.staged.clear()
        self.expected.clear()


class _Repository(Generic[E]):
    def __init__(self, table: _Table[E]) -> None:
        self._t = table

    async def get(self, key: Any) -> E | None:
        return self._t.get(key)

    async def get_many(self, ids: Iterable[Any]) -> dict[Any, E]:
        found = {key: self._t.get(key) for key in set(ids)}
        return {key: row for key, row in found.items() if row is not None}

    async def add(self, entity: E) -> None:
        self._t.add(entity)

    async def update(self, entity: E) -> None:
        self._t.update(entity)

    def _matching(
        self, text: str, limit: int, fields: Callable[[E], tuple[str | None, ...]]
    ) -> list[E]:
        """Rows where any of `fields` contains `text`, ordered by the first field."""
        needle = text.strip().casefold()
        rows = [
            r for r in self._t.visible() if any(needle in (f or "").casefold() for f in fields(r))
        ]
        rows.sort(key=lambda r: ((fields(r)[0] or "").casefold(), str(r.id)))
        return [copy.deepcopy(r) for r in rows[:limit]]


class MemoryPersonRepository(_Repository[Person]):
    async def search(self, text: str, limit: int = 20) -> list[Person]:
        return self._matching(text, limit, lambda p: (p.legal_name, p.preferred_name, p.email))


class MemoryOrganizationRepository(_Repository[Organization]):
    async def search(self, text: str, limit: int = 20) -> list[Organization]:
        return self._matching(text, limit, lambda o: (o.name, o.email))


class MemoryStaffRepository(_Repository[StaffMember]):
    async def add(self, staff: StaffMember) -> None:
        if await self.by_email(staff.email) is not None:
            raise InvalidInput("Another staff member already uses this email.", field="email")
        await super().add(staff)

    async def add_first(self, staff: StaffMember) -> bool:
        # Nothing awaits between this check and the commit that follows it in the use case,
        # so on one event loop no other unit of work can come in between.
        if await self.count() > 0:
            return False
        await self.add(staff)
        return True

    async def update(self, staff: StaffMember) -> None:
        other = await self.by_email(staff.email)
        if other is not None and other.id != staff.id:
            raise InvalidInput("Another staff member already uses this email.", field="email")
        await super().update(staff)

    async def by_email(self, email: str) -> StaffMember | None:
        wanted = email.strip().lower()
        return next((copy.deepcopy(s) for s in self._t.visible() if s.email == wanted), None)

    async def list_all(self) -> list[StaffMember]:
        return sorted((copy.deepcopy(s) for s in self._t.visible()), key=lambda s: s.name)

    async def supervisees_of(self, staff_id: StaffId) -> frozenset[StaffId]:
        return frozenset(s.id for s in self._t.visible() if s.supervisor_id == staff_id)

    async def count(self) -> int:
        return sum(1 for _ in self._t.visible())


class MemoryCaseRepository(_Repository[Case]):
    def __init__(self, table: _Table[Case], people: _Table[Person]) -> None:
        super().__init__(table)
        self._people = people

    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]:  # type: ignore[override]
        return list((await super().get_many(ids)).values())

    def _ids(self, related: Callable[[Case], bool]) -> list[CaseId]:
        return sorted(c.id for c in self._t.visible() if related(c))

    async def list_page(self, query: CaseListQuery) -> tuple[list[Case], int]:
        text = query.text.strip().casefold()
        names = (
            {
                p.id: (p.legal_name + " " + p.preferred_name).casefold()
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
                    or any(text in names.get(m.person_id, "") for m in c.memberships)
                )
            )

        found = sorted(
            (c for c in self._t.visible() if matches(c)),
            key=lambda c: (c.name.casefold(), str(c.id)),
        )
        page = found[query.offset : query.offset + query.limit]
        return [copy.deepcopy(c) for c in page], len(found)

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


class MemoryCredentialRepository:
    """Changes are staged as operations and replayed on the stored rows at commit, as the SQL
    adapters' single-statement updates (`failed_attempts + 1`, `WHERE password_hash = :old`)
    apply to the row as it is then: concurrent units of work never lose each other's changes."""

    def __init__(self, rows: dict[StaffId, Credentials]) -> None:
        self._rows = rows
        self._ops: list[Callable[[dict[StaffId, Credentials]], Any]] = []

    def _view(self, staff_id: StaffId) -> Credentials | None:
        """The stored row as this unit of work would leave it."""
        mine = {staff_id: copy.deepcopy(self._rows[staff_id])} if staff_id in self._rows else {}
        for op in self._ops:
            op(mine)
        return mine.get(staff_id)

    async def get(self, staff_id: StaffId) -> Credentials | None:
        return self._view(staff_id)

    async def set_password(self, staff_id: StaffId, password_hash: str) -> int:
        def op(rows: dict[StaffId, Credentials]) -> None:
            old = rows.get(staff_id)
            generation = old.generation + 1 if old is not None else 1
            rows[staff_id] = Credentials(staff_id, password_hash, generation=generation)

        self._ops.append(op)
        return self._view(staff_id).generation  # type: ignore[union-attr]

    async def claim_attempt(
        self, staff_id: StaffId, now: datetime, rule: LockoutRule
    ) -> Credentials | None:
        def op(rows: dict[StaffId, Credentials]) -> bool:
            return staff_id in rows and rows[staff_id].claim_attempt(now, rule)

        current = self._view(staff_id)
        if current is None or not current.claim_attempt(now, rule):
            return None
        self._ops.append(op)
        return current

    async def record_success(self, staff_id: StaffId) -> None:
        self._ops.append(lambda rows: staff_id in rows and rows[staff_id].record_success())

    async def rehash(self, staff_id: StaffId, old_hash: str, new_hash: str) -> bool:
        def op(rows: dict[StaffId, Credentials]) -> bool:
            current = rows.get(staff_id)
            if current is None or current.password_hash != old_hash:
                return False
            current.password_hash = new_hash
            return True

        current = self._view(staff_id)
        self._ops.append(op)
        return current is not None and current.password_hash == old_hash

    def apply(self) -> None:
        for op in self._ops:
            op(self._rows)
        self._ops.clear()

    def discard(self) -> None:
        self._ops.clear()


class MemoryHistoryRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._committed = store.history
        self.staged: list[CaseEvent] = []

    async def append(self, event: CaseEvent) -> None:
        self.staged.append(event)

    async def for_case(self, case_id: CaseId, limit: int = 200) -> list[CaseEvent]:
        events = [e for e in [*self._committed, *self.staged] if e.case_id == case_id]
        # Newest first; of events at the same instant, the one recorded last comes first.
        events.reverse()
        events.sort(key=lambda e: e.at, reverse=True)
        return events[:limit]


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._tables = {
            name: _Table(store, name, what)
            for name, what in (
                ("people", "person"),
                ("organizations", "organization"),
                ("staff", "staff member"),
                ("cases", "case"),
                *SCHEDULING_TABLES,
            )
        }
        self.people = MemoryPersonRepository(self._tables["people"])
        self.organizations = MemoryOrganizationRepository(self._tables["organizations"])
        self.staff = MemoryStaffRepository(self._tables["staff"])
        self.cases = MemoryCaseRepository(self._tables["cases"], self._tables["people"])
        self.history = MemoryHistoryRepository(store)
        self.credentials = MemoryCredentialRepository(store.tables["credentials"])
        self.services = MemoryServiceRepository(self._tables["services"])
        self.appointments = MemoryAppointmentRepository(
            self._tables["appointments"], self._tables["series"]
        )
        self.feeds = MemoryCalendarFeedRepository(self._tables["feeds"])

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        with self._store.lock:
            for table in self._tables.values():
                table.check()
            emails = [s.email for s in self._tables["staff"].visible()]
            if len(emails) != len(set(emails)):
                raise InvalidInput("Another staff member already uses this email.", field="email")
            check_at_commit(self._tables["services"], self._tables["appointments"])
            for table in self._tables.values():
                table.apply()
            self.credentials.apply()
            self._store.history.extend(self.history.staged)
            self.history.staged.clear()

    async def rollback(self) -> None:
        for table in self._tables.values():
            table.staged.clear()
            table.expected.clear()
        self.credentials.discard()
        self.history.staged.clear()


def memory_uow_factory(store: MemoryStore | None = None) -> Callable[[], MemoryUnitOfWork]:
    shared = store if store is not None else MemoryStore()
    return lambda: MemoryUnitOfWork(shared)
