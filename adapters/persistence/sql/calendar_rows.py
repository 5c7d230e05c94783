"""The calendar's projection in one statement: the appointments of some providers over a range,
with their case's name and kind, their providers, and how many members are expected and
recorded. No case aggregate is built, nothing is snapshotted or re-validated: rows become
`CalendarRow`s as stored.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import among_bound, among_value
from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import SLOT_HOLDING, AppointmentStatus
from core.domain.scheduling.services import MAX_MINUTES
from core.domain.shared.values import StaffId
from core.ports.scheduling import BusyRow, CalendarRow


def _local_day(start_at: sa.ColumnElement[datetime], days: int) -> sa.ColumnElement[date]:
    """The local day of an instant, from the first instants of the `days` days around it, bound
    latest first as `first_<i>` / `day_<i>`: a CASE over at most a month and a day of
    boundaries (SQLite has no time zones to ask)."""

    def day(i: int) -> sa.BindParameter[date]:
        return sa.bindparam(f"day_{i}", type_=sa.Date)

    return sa.case(
        *(
            (start_at >= sa.bindparam(f"first_{i}", type_=start_at.type), day(i))
            for i in range(days)
        ),
        else_=day(days - 1),
    )


@functools.lru_cache(maxsize=64)
def _statement(dialect: str, days: int) -> sa.Select[Any]:
    """The projection's one statement for `days` day boundaries, built once per dialect and
    number of days (building it and its cache key each time cost more CPU than running it):
    the providers bound as `ids`, the range as `earliest` / `start` / `end`."""
    a, p, c = t.appointments.c, t.appointment_providers.c, t.cases.c
    # The providers' rows repeat the appointment's time: the (staff_id, start_at) index finds
    # the page's sessions without reading anyone's history.
    theirs = sa.select(p.appointment_id).where(
        among_bound(p.staff_id, "ids", dialect),
        p.start_at >= sa.bindparam("earliest", type_=p.start_at.type),
        p.start_at < sa.bindparam("end", type_=p.start_at.type),
        p.end_at > sa.bindparam("start", type_=p.end_at.type),
    )
    chosen = (
        sa.select(
            a.id,
            a.start_at,
            a.end_at,
            a.status,
            a.case_id,
            _local_day(a.start_at, days).label("day"),
        )
        .where(a.id.in_(theirs))
        .subquery("chosen")
    )
    m, x = t.case_memberships.c, t.appointment_attendance.c
    member_then = sa.and_(
        m.case_id == chosen.c.case_id,
        m.start_on <= chosen.c.day,
        sa.or_(m.end_on.is_(None), m.end_on >= chosen.c.day),
    )
    members = t.case_memberships
    expected = (
        sa.select(sa.func.count()).where(member_then).correlate_except(members).scalar_subquery()
    )
    # Two levels down: said explicitly, or SQLAlchemy would give the EXISTS its own `chosen`.
    marked = (
        sa.exists()
        .where(x.appointment_id == chosen.c.id, x.person_id == m.person_id)
        .correlate_except(t.appointment_attendance)
    )
    recorded = (
        sa.select(sa.func.count())
        .where(member_then, marked)
        .correlate_except(members)
        .scalar_subquery()
    )
    everyone = t.appointment_providers.alias("everyone")
    return (
        sa.select(
            chosen.c.id,
            chosen.c.start_at,
            chosen.c.end_at,
            chosen.c.status,
            chosen.c.case_id,
            c.name,
            c.kind,
            everyone.c.staff_id,
            expected.label("expected"),
            recorded.label("recorded"),
        )
        .join(t.cases, c.id == chosen.c.case_id)
        .join(everyone, everyone.c.appointment_id == chosen.c.id)
        .order_by(chosen.c.start_at, chosen.c.id, everyone.c.position)
    )


async def calendar_rows(
    conn: AsyncConnection,
    provider_ids: Iterable[StaffId],
    start: datetime,
    end: datetime,
    day_starts: Sequence[tuple[date, datetime]],
) -> list[CalendarRow]:
    ids = set(provider_ids)
    if not ids:
        return []
    dialect = conn.dialect.name
    latest_first = sorted(day_starts, key=lambda d: d[1], reverse=True)
    bound: dict[str, Any] = {
        "ids": among_value(ids, dialect),
        "earliest": start - timedelta(minutes=MAX_MINUTES),
        "start": start,
        "end": end,
    }
    for i, (day, first) in enumerate(latest_first):
        bound[f"first_{i}"], bound[f"day_{i}"] = first, day
    query = _statement(dialect, len(latest_first))
    # One row per provider of each appointment, in order: the first row of an appointment
    # carries the rest of it. (Unpacked as tuples: a page of the practice is thousands of rows.)
    grouped: dict[UUID, tuple[tuple, list[StaffId]]] = {}
    for r in (await conn.execute(query, bound)).tuples():
        found = grouped.get(r[0])
        if found is None:
            grouped[r[0]] = (r, [r[7]])
        else:
            found[1].append(r[7])
    statuses, kinds = {s.value: s for s in AppointmentStatus}, {k.value: k for k in CaseKind}
    return [
        CalendarRow(
            id=id_,
            start=start_at,
            end=end_at,
            status=statuses[status],
            providers=tuple(staff),
            case_id=case_id,
            case_name=name,
            case_kind=kinds[kind],
            expected=expected,
            recorded=recorded,
        )
        for (id_, start_at, end_at, status, case_id, name, kind, _, expected, recorded), staff in (
            grouped.values()
        )
    ]


@functools.lru_cache(maxsize=4)
def _busy_statement(dialect: str) -> sa.Select[Any]:
    """The providers' rows repeat the appointment's time (the `calendar_rows` range on the
    (staff_id, start_at) index); the appointment is joined by its key for its status only."""
    a, p = t.appointments.c, t.appointment_providers.c
    return (
        sa.select(p.staff_id, p.start_at, p.end_at)
        .join(t.appointments, a.id == p.appointment_id)
        .where(
            among_bound(p.staff_id, "ids", dialect),
            p.start_at >= sa.bindparam("earliest", type_=p.start_at.type),
            p.start_at < sa.bindparam("end", type_=p.start_at.type),
            p.end_at > sa.bindparam("start", type_=p.end_at.type),
            a.status.in_(sorted(s.value for s in SLOT_HOLDING)),
        )
        .order_by(p.staff_id, p.start_at)
    )


async def busy_rows(
    conn: AsyncConnection, provider_ids: Iterable[StaffId], start: datetime, end: datetime
) -> list[BusyRow]:
    ids = set(provider_ids)
    if not ids:
        return []
    dialect = conn.dialect.name
    bound = {
        "ids": among_value(ids, dialect),
        "earliest": start - timedelta(minutes=MAX_MINUTES),
        "start": start,
        "end": end,
    }
    rows = await conn.execute(_busy_statement(dialect), bound)
    return [BusyRow(provider_id=s, start=b, end=e) for s, b, e in rows.tuples()]
