"""In-memory services, appointments and series, with the same semantics as `memory`: copies out,
staged writes, version checks at commit, and the no-overlap rule re-checked at commit under the
store's lock, so that of two units of work booking the same slot exactly one commits."""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from core.domain.scheduling.appointments import (
    Appointment,
    AppointmentStatus,
    DoubleBooking,
    find_double_booking,
)
from core.domain.scheduling.feeds import CalendarFeed
from core.domain.scheduling.series import Series
from core.domain.scheduling.services import MAX_MINUTES, Service
from core.domain.scheduling.times import overlaps
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, StaffId
from core.ports.scheduling import BusyRow, CalendarRow, SeriesSlot

if TYPE_CHECKING:
    from adapters.persistence.memory.store import Table
    from core.domain.cases.case import Case

# (table, what one row is called), attached to the in-memory unit of work by `memory`.
SCHEDULING_TABLES = (
    ("services", "service"),
    ("appointments", "appointment"),
    ("series", "series"),
    ("feeds", "calendar feed"),
)


def _by_start(a: Appointment) -> tuple[datetime, str]:
    return (a.start, str(a.id))


def _ordered(rows: Iterable[Appointment]) -> list[Appointment]:
    return [copy.deepcopy(a) for a in sorted(rows, key=_by_start)]


class MemoryServiceRepository:
    def __init__(self, table: Table[Service]) -> None:
        self._t = table

    async def get(self, service_id: UUID) -> Service | None:
        return self._t.get(service_id)

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Service]:
        found = {i: self._t.get(i) for i in set(ids)}
        return {i: s for i, s in found.items() if s is not None}

    async def list_all(self, *, include_inactive: bool = False) -> list[Service]:
        rows = [s for s in self._t.visible() if include_inactive or s.active]
        rows.sort(key=lambda s: (s.name.casefold(), str(s.id)))
        return copy.deepcopy(rows)

    def _unique(self, service: Service) -> None:
        name = service.name.casefold()
        if any(s.name.casefold() == name and s.id != service.id for s in self._t.visible()):
            raise InvalidInput("Another service already has this name.", field="name")

    async def add(self, service: Service) -> None:
        self._unique(service)
        self._t.add(service)

    async def update(self, service: Service) -> None:
        self._unique(service)
        self._t.update(service)


class MemoryAppointmentRepository:
    def __init__(
        self, appointments: Table[Appointment], series: Table[Series], cases: Table[Case]
    ) -> None:
        self._t = appointments
        self._s = series
        self._cases = cases  # read for the calendar's projection only

    async def get(self, appointment_id: UUID) -> Appointment | None:
        return self._t.get(appointment_id)

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Appointment]:
        found = {i: self._t.get(i) for i in set(ids)}
        return {i: a for i, a in found.items() if a is not None}

    async def add(self, appointment: Appointment) -> None:
        self._t.add(appointment)

    async def add_many(self, appointments: Iterable[Appointment]) -> None:
        for a in appointments:
            self._t.add(a)

    async def update(self, appointment: Appointment) -> None:
        self._t.update(appointment)

    async def for_providers(
        self, provider_ids: Iterable[StaffId] | None, start: datetime, end: datetime
    ) -> list[Appointment]:
        wanted = None if provider_ids is None else set(provider_ids)
        return _ordered(
            a
            for a in self._t.visible()
            if overlaps(a.start, a.end, start, end)
            and (wanted is None or wanted.intersection(a.providers))
        )

    async def for_case(
        self,
        case_id: CaseId,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        statuses: Iterable[AppointmentStatus] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Appointment]:
        wanted = None if statuses is None else set(statuses)
        rows = _ordered(
            a
            for a in self._t.visible()
            if a.case_id == case_id
            and (start is None or a.start >= start)
            and (end is None or a.start < end)
            and (wanted is None or a.status in wanted)
        )
        if newest_first:
            rows.reverse()
        return rows if limit is None else rows[:limit]

    async def last_booked_service(self, case_id: CaseId) -> UUID | None:
        latest = await self.for_case(case_id, limit=1, newest_first=True)
        return latest[0].service_id if latest else None

    async def for_cases(
        self, case_ids: Iterable[CaseId], start: datetime, end: datetime
    ) -> list[Appointment]:
        wanted = set(case_ids)
        return _ordered(
            a
            for a in self._t.visible()
            if a.case_id in wanted and a.holds_slot and overlaps(a.start, a.end, start, end)
        )

    async def overlapping(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        *,
        exclude: Iterable[UUID] = (),
    ) -> list[Appointment]:
        wanted, skip = set(provider_ids), set(exclude)
        return _ordered(
            a
            for a in self._t.visible()
            if a.holds_slot
            and a.id not in skip
            and wanted.intersection(a.providers)
            and overlaps(a.start, a.end, start, end)
        )

    async def calendar_rows(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        day_starts: Sequence[tuple[date, datetime]],
    ) -> list[CalendarRow]:
        wanted, earliest = set(provider_ids), start - timedelta(minutes=MAX_MINUTES)
        found = sorted(
            (
                a
                for a in self._t.visible()
                if wanted.intersection(a.providers)
                and earliest <= a.start < end
                and overlaps(a.start, a.end, start, end)
            ),
            key=lambda a: (a.start, str(a.id)),
        )
        needed = {a.case_id for a in found}
        cases = {c.id: c for c in self._cases.visible() if c.id in needed}
        firsts = sorted(day_starts, key=lambda d: d[1])
        keys = [first for _, first in firsts]
        rows = []
        for a in found:
            case = cases[a.case_id]
            at = bisect.bisect_right(keys, a.start)
            expected = case.members_on(firsts[max(at - 1, 0)][0])
            rows.append(
                CalendarRow(
                    id=a.id,
                    start=a.start,
                    end=a.end,
                    status=a.status,
                    providers=a.providers,
                    case_id=a.case_id,
                    case_name=case.name,
                    case_kind=case.kind,
                    expected=len(expected),
                    recorded=sum(1 for m in expected if m.person_id in a.attendance),
                )
            )
        return rows

    async def busy(
        self, provider_ids: Iterable[StaffId], start: datetime, end: datetime
    ) -> list[BusyRow]:
        wanted, earliest = set(provider_ids), start - timedelta(minutes=MAX_MINUTES)
        return sorted(
            (
                BusyRow(provider_id=p, start=a.start, end=a.end)
                for a in self._t.visible()
                if a.status.holds_slot
                and earliest <= a.start < end
                and overlaps(a.start, a.end, start, end)
                for p in a.providers
                if p in wanted
            ),
            key=lambda r: (str(r.provider_id), r.start),
        )

    async def in_series(self, series_id: UUID) -> list[Appointment]:
        return _ordered(a for a in self._t.visible() if a.series_id == series_id)

    async def series_slots(self, series_id: UUID) -> list[SeriesSlot]:
        return [
            SeriesSlot(id=a.id, start=a.start, status=a.status)
            for a in sorted(
                (a for a in self._t.visible() if a.series_id == series_id), key=_by_start
            )
        ]

    async def get_series(self, series_id: UUID) -> Series | None:
        return self._s.get(series_id)

    async def get_series_many(self, ids: Iterable[UUID]) -> dict[UUID, Series]:
        found = {i: self._s.get(i) for i in set(ids)}
        return {i: s for i, s in found.items() if s is not None}

    async def add_series(self, series: Series) -> None:
        self._s.add(series)

    async def update_series(self, series: Series) -> None:
        self._s.update(series)


class MemoryCalendarFeedRepository:
    """Feeds are written whole, keyed by clinician; a revoked one is kept as None (the table
    has no deletion of its own)."""

    def __init__(self, table: Table[CalendarFeed | None]) -> None:
        self._t = table

    async def for_staff(self, staff_id: StaffId) -> CalendarFeed | None:
        return self._t.get(staff_id)

    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None:
        found = [f for f in self._t.visible() if f is not None and f.token_hash == token_hash]
        return copy.deepcopy(found[0]) if found else None

    async def save(self, feed: CalendarFeed) -> None:
        self._t.staged[feed.staff_id] = copy.deepcopy(feed)

    async def delete(self, staff_id: StaffId) -> None:
        self._t.staged[staff_id] = None


def check_at_commit(services: Table[Service], appointments: Table[Appointment]) -> None:
    """Run at commit, under the store's lock, against everything committed by then: unique
    service names, and the staged appointments against every other booking (the database's
    exclusion constraint). Raises like the SQL stores do."""
    names = [s.name.casefold() for s in services.visible()]
    if len(names) != len(set(names)):
        raise InvalidInput("Another service already has this name.", field="name")
    clash = find_double_booking(list(appointments.staged.values()), appointments.visible())
    if clash is not None:
        provider, other = clash
        raise DoubleBooking(provider, other.start, other.end)
