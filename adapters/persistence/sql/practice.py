"""The practice's details (one row), and how any one-row settings table is saved."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.directory import _by_id, _Versioned
from core.domain.directory.practice import PRACTICE_ID, Practice
from core.domain.shared.errors import ConcurrencyConflict


class SingleRow(_Versioned):
    """A settings table of one row: version 0 means never saved (insert), else an update
    guarded by the version. Two first saves at once: the primary key lets one in, the other is
    told someone else saved first, as for any stale version."""

    async def _save(self, entity: Any, values: dict[str, Any]) -> None:
        self.events += entity.events.pull()
        if entity.version != 0:
            await self._update(entity, values)
            return
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(sa.insert(self.table).values({**values, "version": 1}))
        except IntegrityError as exc:
            raise ConcurrencyConflict(f"This {self.what}") from exc
        entity.version = 1

    async def _one(self) -> sa.Row | None:
        by_id = _by_id(self.table, self._dialect)[0]  # the calendar reads its hours per page
        return (await self._conn.execute(by_id, {"id": PRACTICE_ID})).first()


class SqlPracticeRepository(SingleRow):
    table = t.practice
    what = "practice's details"

    async def get(self) -> Practice | None:
        row = await self._one()
        if row is None:
            return None
        return Practice(
            name=row.name,
            address=row.address,
            phone=row.phone,
            timezone=row.timezone,
            currency=row.currency,
            tax_id=row.tax_id,
            version=row.version,
        )

    async def save(self, practice: Practice) -> None:
        values = {
            "id": practice.id,
            "name": practice.name,
            "address": practice.address,
            "phone": practice.phone,
            "timezone": practice.timezone,
            "currency": practice.currency,
            "tax_id": practice.tax_id,
        }
        await self._save(practice, values)
