"""Locations and the practice's scheduling policy: rows ↔ domain objects."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.directory import _Versioned
from adapters.persistence.sql.expressions import by_text, fold
from adapters.persistence.sql.practice import SingleRow
from core.domain.scheduling.settings import (
    WEEKDAYS,
    DayHours,
    Location,
    ReminderRule,
    SchedulingPolicy,
)
from core.domain.shared.errors import InvalidInput

LOCATION_TAKEN = "Another location already has this name."
_DAYS = [d[:3].lower() for d in WEEKDAYS]  # "mon" ... "sun"


def _location(row: Any) -> Location:
    return Location(
        id=row.id, name=row.name, address=row.address, active=row.active, version=row.version
    )


def _location_values(loc: Location) -> dict[str, Any]:
    return {
        "id": loc.id,
        "name": loc.name,
        "name_folded": fold(loc.name),
        "address": loc.address,
        "active": loc.active,
        "version": loc.version,
    }


class SqlLocationRepository(_Versioned):
    table = t.locations
    what = "location"

    async def get(self, location_id: UUID) -> Location | None:
        rows = await self._rows(t.locations.c.id == location_id)
        return _location(rows[0]) if rows else None

    async def list_all(self, *, include_inactive: bool = False) -> list[Location]:
        c = t.locations.c
        query = sa.select(t.locations).order_by(by_text(c.name_folded, self._dialect), c.id)
        if not include_inactive:
            query = query.where(c.active)
        return [_location(r) for r in await self._conn.execute(query)]

    async def _name_free(self, location: Location) -> None:
        c = t.locations.c
        taken = await self._conn.execute(
            sa.select(c.id).where(c.name_folded == fold(location.name), c.id != location.id)
        )
        if taken.first() is not None:
            raise InvalidInput(LOCATION_TAKEN, field="name")

    async def add(self, location: Location) -> None:
        self.events += location.events.pull()
        await self._name_free(location)
        await self._unique(self._insert(_location_values(location)), "name", LOCATION_TAKEN)

    async def update(self, location: Location) -> None:
        self.events += location.events.pull()
        await self._name_free(location)
        write = self._update(location, _location_values(location))
        await self._unique(write, "name", LOCATION_TAKEN)


def _hours_json(hours: tuple[DayHours | None, ...]) -> dict[str, list[str] | None]:
    return {
        day: None if h is None else [h.opens.isoformat("minutes"), h.closes.isoformat("minutes")]
        for day, h in zip(_DAYS, hours, strict=True)
    }


def _hours(raw: dict[str, list[str] | None]) -> tuple[DayHours | None, ...]:
    def one(pair: list[str] | None) -> DayHours | None:
        if not pair:
            return None
        return DayHours(time.fromisoformat(pair[0]), time.fromisoformat(pair[1]))

    return tuple(one(raw.get(day)) for day in _DAYS)


class SqlSchedulingPolicyRepository(SingleRow):
    table = t.scheduling_policy
    what = "scheduling policy"

    async def get(self) -> SchedulingPolicy | None:
        row = await self._one()
        if row is None:
            return None
        return SchedulingPolicy(
            hours=_hours(row.hours),
            reminders=tuple(ReminderRule(hours, channel) for hours, channel in row.reminders),
            late_cancel_hours=row.late_cancel_hours,
            telehealth_link=row.telehealth_link,
            version=row.version,
        )

    async def save(self, policy: SchedulingPolicy) -> None:
        values = {
            "id": policy.id,
            "hours": _hours_json(policy.hours),
            "reminders": [[r.hours_before, r.channel.value] for r in policy.reminders],
            "late_cancel_hours": policy.late_cancel_hours,
            "telehealth_link": policy.telehealth_link,
        }
        await self._save(policy, values)
