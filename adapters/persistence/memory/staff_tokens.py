"""Staff tokens in memory: staged, applied at commit; `use` takes effect at once under the
store's lock (so two uses at once cannot both succeed, as the SQL adapter's one UPDATE)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from adapters.persistence.memory.store import MemoryStore
from core.domain.directory.tokens import StaffToken, TokenPurpose
from core.domain.shared.values import StaffId


class MemoryStaffTokenRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[UUID, StaffToken] = store.tables["staff_tokens"]
        self._staged: dict[UUID, StaffToken] = {}

    def _visible(self) -> list[StaffToken]:
        return list({**self._rows, **self._staged}.values())

    async def add(self, token: StaffToken) -> None:
        await self.expire(token.staff_id, token.purpose, token.created_at)
        self._staged[token.id] = token

    async def expire(self, staff_id: StaffId, purpose: TokenPurpose, at: datetime) -> None:
        for old in self._visible():
            if old.staff_id == staff_id and old.purpose is purpose and not old.used_at:
                self._staged[old.id] = dataclasses.replace(old, expires_at=min(old.expires_at, at))

    async def by_hash(self, token_hash: str) -> StaffToken | None:
        return next((t for t in self._visible() if t.token_hash == token_hash), None)

    async def use(self, token_id: UUID, at: datetime) -> bool:
        with self._store.lock:
            token = self._staged.get(token_id, self._rows.get(token_id))
            if token is None or not token.usable(at):  # used, revoked, replaced or expired
                return False
            used = dataclasses.replace(token, used_at=at)
            self._rows[token_id] = used
            self._staged.pop(token_id, None)
        return True

    async def count_since(self, staff_id: StaffId, purpose: TokenPurpose, since: datetime) -> int:
        return sum(
            1
            for t in self._visible()
            if t.staff_id == staff_id and t.purpose is purpose and t.created_at >= since
        )

    def apply(self) -> None:
        self._rows.update(self._staged)
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()
