"""Services, appointments and series: rows ↔ domain objects, and the no-overlap guarantee.

(Over 400 lines on purpose: the no-overlap check and the rows it reads belong together.)

An appointment is four tables (the row, its providers, attendance and confirmed codes); any list
of appointments is loaded in four queries. The providers' rows carry the appointment's time and
whether it holds the slot: PostgreSQL's exclusion constraint on them refuses a double booking at
commit, and `SqlAppointmentRepository.clash` finds the same clash by query (SQLite's guarantee,
checked before its commit under the single write lock; PostgreSQL's message after a refusal).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.calendar_rows import busy_rows, calendar_rows
from adapters.persistence.sql.child_rows import child_rows
from adapters.persistence.sql.directory import _by_id, _Versioned
from adapters.persistence.sql.expressions import among, among_value, by_text, fold, stored
from core.domain.scheduling.appointments import (
    LONGEST_APPOINTMENT,
    SLOT_HOLDING,
    Appointment,
    AppointmentStatus,
    Attendance,
    ChangeMark,
    DoubleBooking,
    find_double_booking,
)
from core.domain.scheduling.fees import FeeRule
from core.domain.scheduling.series import Recurrence, Series
from core.domain.scheduling.services import Service
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, Money, PersonId, StaffId
from core.ports.scheduling import BusyRow, CalendarRow, SeriesSlot

Row = dict[str, Any]
NAME_TAKEN = "Another service already has this name."


def _mark_values(prefix: str, mark: ChangeMark | None) -> Row:
    return {
        f"{prefix}_by": mark.actor_id if mark else None,
        f"{prefix}_at": mark.at if mark else None,
        f"{prefix}_for": mark.on_behalf_of if mark else None,
    }


def _mark(row: Any, prefix: str) -> ChangeMark | None:
    at = row[f"{prefix}_at"]
    if at is None:
        return None
    return ChangeMark(row[f"{prefix}_by"], at, row[f"{prefix}_for"])


# ----- services -----------------------------------------------------------------------------------


def _service_values(s: Service) -> Row:
    return {
        "id": s.id,
        "name": s.name,
        "name_folded": fold(s.name),
        "service_line": s.service_line.value,
        "minutes": s.minutes,
        "fee_minor": s.fee.amount_minor,
        "currency": s.fee.currency,
        "billing_code": s.billing_code,
        "active": s.active,
        "version": s.version,
        "late_cancel_minor": _fee_minor(s.late_cancel_fee),
        "late_cancel_percent": s.late_cancel_fee.percent if s.late_cancel_fee else None,
        "no_show_minor": _fee_minor(s.no_show_fee),
        "no_show_percent": s.no_show_fee.percent if s.no_show_fee else None,
    }


def _fee_minor(rule: FeeRule | None) -> int | None:
    return rule.amount.amount_minor if rule is not None and rule.amount is not None else None


def _fee_rule(minor: int | None, percent: int | None, currency: str) -> FeeRule | None:
    if minor is not None:
        return FeeRule(amount=Money(minor, currency))
    return FeeRule(percent=percent) if percent is not None else None


def _service(row: Any) -> Service:
    return Service(
        id=row.id,
        name=row.name,
        service_line=row.service_line,
        minutes=row.minutes,
        fee=Money(row.fee_minor, row.currency),
        billing_code=row.billing_code,
        active=row.active,
        version=row.version,
        late_cancel_fee=_fee_rule(row.late_cancel_minor, row.late_cancel_percent, row.currency),
        no_show_fee=_fee_rule(row.no_show_minor, row.no_show_percent, row.currency),
    )


@functools.cache
def _all_services(dialect: str, include_inactive: bool) -> sa.Select[Any]:
    """By name (code point order), built once (read on every booking form and schedule)."""
    c = t.services.c
    query = sa.select(t.services).order_by(by_text(c.name_folded, dialect), c.id)
    return query if include_inactive else query.where(c.active)


class SqlServiceRepository(_Versioned):
    table = t.services
    what = "service"

    async def get(self, service_id: UUID) -> Service | None:
        rows = list(
            await self._conn.execute(_by_id(t.services, self._dialect)[0], {"id": service_id})
        )
        return _service(rows[0]) if rows else None

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Service]:
        wanted = set(ids)
        if not wanted:
            return {}
        rows = await self._rows(among(t.services.c.id, wanted, self._dialect))
        return {r.id: _service(r) for r in rows}

    async def list_all(self, *, include_inactive: bool = False) -> list[Service]:
        query = _all_services(self._dialect, include_inactive)
        return [_service(r) for r in await self._conn.execute(query)]

    async def _name_free(self, service: Service) -> None:
        c = t.services.c
        taken = await self._conn.execute(
            sa.select(c.id).where(c.name_folded == fold(service.name), c.id != service.id)
        )
        if taken.first() is not None:
            raise InvalidInput(NAME_TAKEN, field="name")

    async def add(self, service: Service) -> None:
        self.events += service.events.pull()
        await self._name_free(service)
        await self._unique(self._insert(_service_values(service)), "name", NAME_TAKEN)

    async def update(self, service: Service) -> None:
        self.events += service.events.pull()
        await self._name_free(service)
        await self._unique(self._update(service, _service_values(service)), "name", NAME_TAKEN)


# ----- series -------------------------------------------------------------------------------------


def _series_values(s: Series) -> Row:
    return {
        "id": s.id,
        "case_id": s.case_id,
        "first_start": s.first_start,
        "minutes": s.minutes,
        "every_weeks": s.rule.every_weeks,
        "until_on": s.rule.until,
        "occurrences": s.rule.count,
        "timezone": s.timezone,
        **_mark_values("created", s.created),
        "version": s.version,
    }


def _series(row: Any) -> Series:
    created = _mark(row._mapping, "created")
    assert created is not None
    return Series(
        id=row.id,
        case_id=CaseId(row.case_id),
        first_start=row.first_start,
        minutes=row.minutes,
        rule=Recurrence(row.every_weeks, until=row.until_on, count=row.occurrences),
        timezone=row.timezone,
        created=created,
        version=row.version,
    )


class _SeriesTable(_Versioned):
    table = t.series
    what = "series"


# ----- appointments -------------------------------------------------------------------------------


def _appointment_values(a: Appointment) -> Row:
    return {
        "id": a.id,
        "case_id": a.case_id,
        "start_at": a.start,
        "end_at": a.end,
        "service_id": a.service_id,
        "location": a.location,
        "telehealth": a.telehealth,
        "status": a.status.value,
        "supervisor_override": a.supervisor_override,
        "series_id": a.series_id,
        "codes_confirmed": a.codes is not None,
        "provider_id": a.provider,  # a copy of the first provider row's (tables/scheduling.py)
        **_mark_values("created", a.created),
        **_mark_values("changed", a.changed),
        "version": a.version,
    }


def _child_rows(a: Appointment) -> dict[sa.Table, list[Row]]:
    return {
        t.appointment_providers: [
            {
                "appointment_id": a.id,
                "staff_id": staff_id,
                "position": i,
                "start_at": a.start,
                "end_at": a.end,
                "holds_slot": a.holds_slot,
            }
            for i, staff_id in enumerate(a.providers)
        ],
        t.appointment_attendance: [
            {"appointment_id": a.id, "person_id": p, "mark": mark.value}
            for p, mark in a.attendance.items()
        ],
        t.appointment_codes: [
            {
                "appointment_id": a.id,
                "position": i,
                "code": line.code,
                "units": line.units,
                "person_id": line.person_id,
            }
            for i, line in enumerate(a.codes or ())
        ],
    }


_SLOT = [s.value for s in SLOT_HOLDING]


def overlapping(
    starts: sa.ColumnElement[datetime],
    ends: sa.ColumnElement[datetime],
    start: datetime,
    end: datetime,
) -> sa.ColumnElement[bool]:
    """Rows whose [starts, ends) overlaps [start, end) (half-open), for any table with an index
    led by `starts`: nothing lasts longer than LONGEST_APPOINTMENT, so the rows start in
    (start - LONGEST_APPOINTMENT, end), a bounded range of that index. Without the lower bound
    the index range would begin at the first session ever booked."""
    return sa.and_(starts > start - LONGEST_APPOINTMENT, starts < end, ends > start)


_CHILDREN = (t.appointment_providers, t.appointment_attendance, t.appointment_codes)
_A = t.appointments.c
# Statements of the reads on every appointment page and schedule screen, built once (building
# a statement and its cache key for every read cost about as much CPU as sending it).
_BY_ID = (
    sa.select(t.appointments)
    .where(_A.id == sa.bindparam("id", type_=_A.id.type))
    .order_by(_A.start_at, _A.id)
)
_IN_SERIES = (
    sa.select(t.appointments)
    .where(_A.series_id == sa.bindparam("series_id", type_=_A.series_id.type))
    .order_by(_A.start_at, _A.id)
)
_SERIES_SLOTS = _IN_SERIES.with_only_columns(_A.id, _A.start_at, _A.status)


@functools.cache
def _for_case(
    start: bool, end: bool, statuses: bool, limit: bool, newest_first: bool
) -> sa.Select[Any]:
    """`for_case`'s statement with the bounds given (parameters case_id, start, end, statuses,
    limit), one per combination."""
    query = sa.select(t.appointments).where(
        _A.case_id == sa.bindparam("case_id", type_=_A.case_id.type)
    )
    if start:
        query = query.where(_A.start_at >= sa.bindparam("start", type_=_A.start_at.type))
    if end:
        query = query.where(_A.start_at < sa.bindparam("end", type_=_A.start_at.type))
    if statuses:
        query = query.where(_A.status.in_(sa.bindparam("statuses", expanding=True)))
    order = (_A.start_at.desc(), _A.id.desc()) if newest_first else (_A.start_at, _A.id)
    query = query.order_by(*order)
    if limit:
        query = query.limit(sa.bindparam("limit", type_=sa.Integer()))
    return query


# As `for_case(limit=1, newest_first=True)` orders them; built once.
_LAST_BOOKED_SERVICE = (
    sa.select(_A.service_id)
    .where(_A.case_id == sa.bindparam("case_id", type_=_A.case_id.type))
    .order_by(_A.start_at.desc(), _A.id.desc())
    .limit(1)
)
_MARK = stored(Attendance)


class SqlAppointmentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
        self._series = _SeriesTable(conn)
        self.events: list[DomainEvent] = []  # of the appointments stored, for the unit of work
        # Appointments added or changed in this unit of work, checked against overlaps.
        self.written: dict[UUID, Appointment] = {}

    # ----- reading -------------------------------------------------------------------------------

    async def _load(self, query: sa.Select, params: Row | None = None) -> list[Appointment]:
        """Appointments of `query` (a select of appointment rows, in the order wanted; its
        parameters `params`) and their providers, attendance and codes: two statements
        whatever the number on PostgreSQL, four on SQLite (`child_rows`)."""
        rows = list(await self._conn.execute(query, params))
        if not rows:
            return []
        bound = {"ids": among_value([r.id for r in rows], self._dialect)}
        providers, attendance, coded = await child_rows(
            self._conn, _CHILDREN, bound, parent="appointment_id"
        )
        found = []
        for r in rows:
            created = _mark(r._mapping, "created")
            assert created is not None
            codes = coded.get(r.id, [])
            found.append(
                Appointment.restored(
                    id=r.id,
                    case_id=CaseId(r.case_id),
                    start=r.start_at,
                    end=r.end_at,
                    providers=tuple(StaffId(p["staff_id"]) for p in providers[r.id]),
                    service_id=r.service_id,
                    created=created,
                    location=r.location,
                    telehealth=r.telehealth,
                    status=AppointmentStatus(r.status),
                    supervisor_override=r.supervisor_override,
                    series_id=r.series_id,
                    attendance={
                        PersonId(x["person_id"]): _MARK(x["mark"]) for x in attendance.get(r.id, [])
                    },
                    codes=tuple(CodeLine(x["code"], x["units"], x["person_id"]) for x in codes)
                    if r.codes_confirmed
                    else None,
                    changed=_mark(r._mapping, "changed"),
                    version=r.version,
                )
            )
        return found

    def _select(self, *where: sa.ColumnElement[bool]) -> sa.Select:
        a = t.appointments.c
        return sa.select(t.appointments).where(*where).order_by(a.start_at, a.id)

    def _with_provider(
        self,
        staff_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        *,
        slot_only: bool = False,
    ) -> sa.ColumnElement[bool]:
        """One of `staff_ids` provides it and it overlaps [start, end) (half-open)."""
        p = t.appointment_providers.c
        return sa.exists().where(
            p.appointment_id == t.appointments.c.id,
            among(p.staff_id, set(staff_ids), self._dialect),
            overlapping(p.start_at, p.end_at, start, end),
            *([p.holds_slot] if slot_only else []),
        )

    async def get(self, appointment_id: UUID) -> Appointment | None:
        found = await self._load(_BY_ID, {"id": appointment_id})
        return found[0] if found else None

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Appointment]:
        wanted = set(ids)
        if not wanted:
            return {}
        found = await self._load(self._select(among(t.appointments.c.id, wanted, self._dialect)))
        return {a.id: a for a in found}

    async def for_providers(
        self, provider_ids: Iterable[StaffId] | None, start: datetime, end: datetime
    ) -> list[Appointment]:
        a = t.appointments.c
        if provider_ids is None:
            return await self._load(self._select(overlapping(a.start_at, a.end_at, start, end)))
        return await self._load(self._select(self._with_provider(provider_ids, start, end)))

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
        query = _for_case(
            start is not None,
            end is not None,
            statuses is not None,
            limit is not None,
            newest_first,
        )
        params = {
            "case_id": case_id,
            "start": start,
            "end": end,
            "statuses": [s.value for s in statuses or ()] or [""],
            "limit": limit,
        }
        return await self._load(query, params)

    async def last_booked_service(self, case_id: CaseId) -> UUID | None:
        found = await self._conn.execute(_LAST_BOOKED_SERVICE, {"case_id": case_id})
        return found.scalar_one_or_none()

    async def for_cases(
        self, case_ids: Iterable[CaseId], start: datetime, end: datetime
    ) -> list[Appointment]:
        a = t.appointments.c
        return await self._load(
            self._select(
                among(a.case_id, set(case_ids), self._dialect),
                a.status.in_(_SLOT),
                overlapping(a.start_at, a.end_at, start, end),
            )
        )

    async def overlapping(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        *,
        exclude: Iterable[UUID] = (),
    ) -> list[Appointment]:
        a = t.appointments.c
        where = [self._with_provider(provider_ids, start, end, slot_only=True)]
        skip = set(exclude)
        if skip:
            where.append(sa.not_(among(a.id, skip, self._dialect)))
        return await self._load(self._select(*where))

    async def calendar_rows(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        day_starts: Sequence[tuple[date, datetime]],
    ) -> list[CalendarRow]:
        return await calendar_rows(self._conn, provider_ids, start, end, day_starts)

    async def busy(
        self, provider_ids: Iterable[StaffId], start: datetime, end: datetime
    ) -> list[BusyRow]:
        return await busy_rows(self._conn, provider_ids, start, end)

    async def in_series(self, series_id: UUID) -> list[Appointment]:
        return await self._load(_IN_SERIES, {"series_id": series_id})

    async def series_slots(self, series_id: UUID) -> list[SeriesSlot]:
        rows = await self._conn.execute(_SERIES_SLOTS, {"series_id": series_id})
        return [
            SeriesSlot(id=i, start=start, status=AppointmentStatus(status))
            for i, start, status in rows.tuples()
        ]

    # ----- writing -------------------------------------------------------------------------------

    async def add(self, appointment: Appointment) -> None:
        await self.add_many([appointment])

    async def add_many(self, appointments: Iterable[Appointment]) -> None:
        new = list(appointments)
        for a in new:
            self.events += a.events.pull()
        if not new:
            return
        try:
            await self._conn.execute(
                sa.insert(t.appointments), [_appointment_values(a) for a in new]
            )
        except IntegrityError as exc:
            raise InvalidInput("This appointment exists already.") from exc
        await self._insert_children(new)
        self.written.update((a.id, a) for a in new)

    async def update(self, appointment: Appointment) -> None:
        self.events += appointment.events.pull()
        table = _AppointmentTable(self._conn)
        await table._update(appointment, _appointment_values(appointment))
        await self._conn.execute(
            sa.delete(t.appointment_providers).where(
                t.appointment_providers.c.appointment_id == appointment.id
            )
        )
        for child in (t.appointment_attendance, t.appointment_codes):
            await self._conn.execute(
                sa.delete(child).where(child.c.appointment_id == appointment.id)
            )
        await self._insert_children([appointment])
        self.written[appointment.id] = appointment

    async def _insert_children(self, appointments: list[Appointment]) -> None:
        rows: dict[sa.Table, list[Row]] = defaultdict(list)
        for a in appointments:
            for table, table_rows in _child_rows(a).items():
                rows[table] += table_rows
        for table, table_rows in rows.items():
            if table_rows:
                await self._conn.execute(sa.insert(table), table_rows)

    async def get_series(self, series_id: UUID) -> Series | None:
        query = _by_id(t.series, self._dialect)[0]
        rows = list(await self._conn.execute(query, {"id": series_id}))
        return _series(rows[0]) if rows else None

    async def get_series_many(self, ids: Iterable[UUID]) -> dict[UUID, Series]:
        rows = await self._series._rows(among(t.series.c.id, set(ids), self._dialect))
        return {r.id: _series(r) for r in rows}

    async def add_series(self, series: Series) -> None:
        await self._series._insert(_series_values(series))

    async def update_series(self, series: Series) -> None:
        await self._series._update(series, _series_values(series))

    # ----- the no-overlap rule -------------------------------------------------------------------

    async def clash(self, candidates: Iterable[Appointment]) -> DoubleBooking | None:
        """The double booking that `candidates` would make with what is stored, if any."""
        holding = [a for a in candidates if a.holds_slot]
        if not holding:
            return None
        providers = {p for a in holding for p in a.providers}
        start, end = min(a.start for a in holding), max(a.end for a in holding)
        existing = await self.overlapping(providers, start, end)
        found = find_double_booking(holding, existing)
        if found is None:
            return None
        provider, other = found
        return DoubleBooking(provider, other.start, other.end)


class _AppointmentTable(_Versioned):
    table = t.appointments
    what = "appointment"
