"""The owner's message templates and the confirm / cancel links in memory, with the SQL
adapter's semantics (links staged until commit; `use` at once under the store's lock, so two
uses at once cannot both succeed, and given back by a rollback as the row lock's update is)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Collection, Iterable
from datetime import datetime
from uuid import UUID

from adapters.persistence.memory.directory import MemorySingleRow
from adapters.persistence.memory.store import MemoryStore
from core.domain.communication.links import LinkUse, SessionLink
from core.domain.communication.templates import TEMPLATES_ID


class MemoryMessageTemplateRepository(MemorySingleRow):
    key = TEMPLATES_ID


class MemorySessionLinkRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[UUID, SessionLink] = store.tables["session_links"]
        self._staged: dict[UUID, SessionLink] = {}
        self._before_use: dict[UUID, SessionLink | None] = {}  # None: it was only staged

    def _visible(self) -> list[SessionLink]:
        return list({**self._rows, **self._staged}.values())

    async def add_many(self, links: Iterable[SessionLink]) -> None:
        for link in links:
            self._staged[link.id] = copy.deepcopy(link)

    async def by_hash(self, token_hash: str) -> SessionLink | None:
        found = next((x for x in self._visible() if x.token_hash == token_hash), None)
        return copy.deepcopy(found)

    async def drop_expired(self, now: datetime) -> int:
        with self._store.lock:
            gone = [x.id for x in self._visible() if x.used_at is None and x.expires_at <= now]
            for link_id in gone:
                self._rows.pop(link_id, None)
                self._staged.pop(link_id, None)
        return len(gone)

    async def use(self, link_id: UUID, at: datetime, use: LinkUse) -> bool:
        with self._store.lock:
            link = self._staged.get(link_id, self._rows.get(link_id))
            if link is None or link.used_at is not None:
                return False
            self._before_use[link_id] = self._rows.get(link_id)
            self._rows[link_id] = dataclasses.replace(link, used_at=at, used_for=use)
            self._staged.pop(link_id, None)
        return True

    async def confirmed(self, appointment_ids: Collection[UUID]) -> dict[UUID, list[SessionLink]]:
        found: dict[UUID, list[SessionLink]] = {}
        wanted = set(appointment_ids)
        chosen = [
            x
            for x in self._visible()
            if x.appointment_id in wanted and x.used_for is LinkUse.CONFIRM
        ]
        for link in sorted(chosen, key=lambda x: x.used_at or x.created_at):
            found.setdefault(link.appointment_id, []).append(copy.deepcopy(link))
        return found

    def apply(self) -> None:
        self._rows.update(self._staged)
        self._staged.clear()
        self._before_use.clear()

    def discard(self) -> None:
        self._staged.clear()
        with self._store.lock:
            for link_id, before in self._before_use.items():
                if before is None:
                    self._rows.pop(link_id, None)
                else:
                    self._rows[link_id] = before
        self._before_use.clear()
