"""In-memory locations and scheduling policy, with the SQL adapter's semantics."""

from __future__ import annotations

import copy
from uuid import UUID

from adapters.persistence.memory.directory import MemorySingleRow
from adapters.persistence.memory.store import Repository
from core.domain.scheduling.settings import POLICY_ID, Location
from core.domain.shared.errors import InvalidInput


class MemoryLocationRepository(Repository[Location]):
    async def get(self, location_id: UUID) -> Location | None:
        return self._t.get(location_id)

    async def list_all(self, *, include_inactive: bool = False) -> list[Location]:
        rows = [x for x in self._t.visible() if include_inactive or x.active]
        rows.sort(key=lambda x: (x.name.casefold(), str(x.id)))
        return copy.deepcopy(rows)

    def _unique(self, location: Location) -> None:
        name = location.name.casefold()
        if any(x.name.casefold() == name and x.id != location.id for x in self._t.visible()):
            raise InvalidInput("Another location already has this name.", field="name")

    async def add(self, location: Location) -> None:
        self._unique(location)
        self._t.add(location)

    async def update(self, location: Location) -> None:
        self._unique(location)
        self._t.update(location)


class MemorySchedulingPolicyRepository(MemorySingleRow):
    key = POLICY_ID
