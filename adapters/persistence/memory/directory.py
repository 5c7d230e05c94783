"""In-memory repositories of the directory."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from adapters.persistence.memory.store import Repository, Table
from core.domain.cases.case import Case
from core.domain.directory.credentials import Credentials, LockoutRule
from core.domain.directory.parties import Organization, Person, StaffMember
from core.domain.directory.practice import PRACTICE_ID
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.values import PersonId, StaffId
from core.ports.directory import PeopleVisibility, SignedInRecord


class MemoryPersonRepository(Repository[Person]):
    def __init__(self, table: Table[Person], cases: Table[Case]) -> None:
        super().__init__(table)
        self._cases = cases  # who a person is related to decides who may see them

    async def display_names(self, ids: Iterable[PersonId]) -> dict[PersonId, str]:
        return {pid: p.display_name for pid, p in (await self.get_many(ids)).items()}

    async def with_mobile(self, mobile: str) -> list[Person]:
        found = [copy.deepcopy(p) for p in self._t.visible() if p.mobile == mobile]
        return sorted(found, key=lambda p: str(p.id))

    async def search(
        self, text: str, limit: int = 20, visible: PeopleVisibility | None = None
    ) -> list[Person]:
        allowed = None if visible is None else self._visible(visible)
        return self._matching(
            text,
            limit,
            lambda p: (p.legal_name, p.preferred_name),
            keep=None if allowed is None else (lambda p: allowed(p.id)),
            email=lambda p: p.email,
        )

    async def visible_among(
        self, ids: Iterable[PersonId], visible: PeopleVisibility
    ) -> frozenset[PersonId]:
        allowed = self._visible(visible)
        known = {p.id for p in self._t.visible()}
        return frozenset(i for i in ids if i in known and allowed(i))

    async def with_details(
        self, email: str | None, mobile: str | None, legal_name: str, date_of_birth: date | None
    ) -> list[PersonId]:
        name = legal_name.strip().casefold()
        return sorted(
            p.id
            for p in self._t.visible()
            if (email and p.email == email)
            or (mobile and p.mobile == mobile)
            or (
                name
                and date_of_birth is not None
                and p.legal_name.casefold() == name
                and p.date_of_birth == date_of_birth
            )
        )

    def _visible(self, visible: PeopleVisibility) -> Callable[[PersonId], bool]:
        """As the SQL adapters' `person_visible`: related to a case in scope, or to none."""
        related: set[PersonId] = set()
        seen: set[PersonId] = set()
        for case in self._cases.visible():
            people = case.related_person_ids()
            related |= people
            if any(scope.matches(case, visible.today) for scope in visible.scopes):
                seen |= people
        return lambda person_id: person_id in seen or person_id not in related


class MemoryOrganizationRepository(Repository[Organization]):
    async def search(self, text: str, limit: int = 20) -> list[Organization]:
        return self._matching(text, limit, lambda o: (o.name,), email=lambda o: o.email)


class MemoryStaffRepository(Repository[StaffMember]):
    def __init__(
        self, table: Table[StaffMember], credentials: dict[StaffId, Credentials] | None = None
    ) -> None:
        super().__init__(table)
        self._credentials = credentials if credentials is not None else {}

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

    async def signed_in(self, staff_id: StaffId) -> SignedInRecord | None:
        staff = await self.get(staff_id)
        if staff is None:
            return None
        credentials = self._credentials.get(staff_id)
        return SignedInRecord(
            staff=staff,
            supervisees=await self.supervisees_of(staff_id),
            generation=credentials.generation if credentials is not None else None,
            # As the SQL adapters count: one per member added and per change of a member.
            directory_version=sum(s.version + 1 for s in self._t.visible()),
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
        def op(rows: dict[StaffId, Credentials]) -> None:
            if staff_id in rows:
                rows[staff_id].record_success()

        self._ops.append(op)

    async def end_sessions(self, staff_id: StaffId) -> int:
        def op(rows: dict[StaffId, Credentials]) -> None:
            if staff_id in rows:
                rows[staff_id].generation += 1

        self._ops.append(op)
        current = self._view(staff_id)
        return current.generation if current is not None else 0

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


class MemorySingleRow(Repository[Any]):
    """A settings table of one row (see `SqlPracticeRepository`): version 0 inserts, anything
    else updates guarded by the version; a first save after someone else's is stale."""

    key: Any

    async def get(self, key: Any = None) -> Any:
        return self._t.get(self.key)

    async def save(self, entity: Any) -> None:
        if entity.version != 0:
            self._t.update(entity)
            return
        if self._t.get(self.key) is not None:
            raise ConcurrencyConflict(f"This {self._t.what}")
        entity.version = 1
        self._t.add(entity)


class MemoryPracticeRepository(MemorySingleRow):
    key = PRACTICE_ID
