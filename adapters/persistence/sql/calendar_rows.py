"""The calendar's projection in one statement: the appointments of some providers over a range,
with their case's name and kind, their providers, and how many members are expected and
recorded. No case aggregate is built, nothing is snapshotted or re-validated: rows become
`CalendarRow`s as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import among
from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import AppointmentStatus
from core.domain.scheduling.services import MAX_MINUTES
from core.domain.shared.values import StaffId
from core.ports.scheduling import CalendarRow


def _local_day(
    start_at: sa.ColumnElement[datetime], day_starts: Sequence[tuple[date, datetime]]
) -> sa.ColumnElement[date]:
    """The local day of an instant, from the first instants of the days around it: a CASE over
    at most a month and a day of boundaries (SQLite has no time zones to ask)."""
    latest_first = sorted(day_starts, key=lambda d: d[1], reverse=True)
    return sa.case(
        *((start_at >= first, sa.literal(day, sa.Date)) for day, first in latest_first),
        else_=sa.literal(latest_first[-1][0], sa.Date),
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
    a, p, c = t.appointments.c, t.appointment_providers.c, t.cases.c
    earliest = start - timedelta(minutes=MAX_MINUTES)
    # The providers' rows repeat the appointment's time: the (staff_id, start_at) index finds
    # the page's sessions without reading anyone's history.
    theirs = sa.select(p.appointment_id).where(
        among(p.staff_id, ids, dialect),
        p.start_at >= earliest,
        p.start_at < end,
        p.end_at > start,
    )
    chosen = (
        sa.select(
            a.id,
            a.start_at,
            a.end_at,
            a.status,
            a.case_id,
            _local_day(a.start_at, day_starts).label("day"),
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
    query = (
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
    # One row per provider of each appointment, in order: the first row of an appointment
    # carries the rest of it. (Unpacked as tuples: a page of the practice is thousands of rows.)
    grouped: dict[UUID, tuple[tuple, list[StaffId]]] = {}
    for r in (await conn.execute(query)).tuples():
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
