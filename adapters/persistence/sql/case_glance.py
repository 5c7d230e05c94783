"""The case page's head: the next and the last session of a case, and what is still open about
its past sessions, read from scheduling's tables in two statements."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.shared.values import CaseId, PersonId
from core.ports.cases import ScheduleGlance, SessionGlance

SCHEDULED = "scheduled"
COMPLETED = "completed"
HAPPENED = ("completed", "no_show", "late_cancelled")  # a session that took place, or was due


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


@functools.cache
def _statements() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The next and the last session with their attendance, and the counts of what is still
    open, for the case bound as `case_id` at the moment bound as `now`: built once (building
    the union of subqueries and its cache key each time cost more CPU than running it)."""
    a, m = t.appointments.c, t.appointment_attendance.c
    case_id = sa.bindparam("case_id", type_=a.case_id.type)
    now = sa.bindparam("now", type_=a.start_at.type)
    columns = (a.id, a.start_at, a.end_at, a.status)
    upcoming = (
        sa.select(*columns, sa.literal("next").label("which"))
        .where(a.case_id == case_id, a.status == SCHEDULED, a.start_at >= now)
        .order_by(a.start_at, a.id)
        .limit(1)
        .subquery()
    )
    held = (
        sa.select(*columns, sa.literal("last").label("which"))
        .where(a.case_id == case_id, a.status.in_(HAPPENED), a.start_at < now)
        .order_by(a.start_at.desc(), a.id.desc())
        .limit(1)
        .subquery()
    )
    both = sa.union_all(sa.select(upcoming), sa.select(held)).subquery()
    sessions = sa.select(both, m.person_id, m.mark).outerjoin(
        t.appointment_attendance, m.appointment_id == both.c.id
    )
    recorded = sa.exists().where(m.appointment_id == a.id)
    counts = sa.select(
        _count(sa.and_(a.status.in_((SCHEDULED, COMPLETED)), ~recorded)),
        _count(sa.and_(a.status == COMPLETED, a.codes_confirmed == sa.false())),
    ).where(a.case_id == case_id, a.start_at < now)
    return sessions, counts


class SqlCaseGlance:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def glance(self, case_id: CaseId, now: datetime) -> ScheduleGlance:
        sessions, counts_of = _statements()
        bound = {"case_id": case_id, "now": now}
        rows = await self._conn.execute(sessions, bound)
        found: dict[str, dict[str, Any]] = {}
        marks: dict[str, dict[PersonId, str]] = defaultdict(dict)
        for r in rows:
            found[r.which] = {"id": r.id, "start": r.start_at, "end": r.end_at, "status": r.status}
            if r.person_id is not None:
                marks[r.which][PersonId(r.person_id)] = r.mark
        counts = (await self._conn.execute(counts_of, bound)).one()

        def session(which: str) -> SessionGlance | None:
            row = found.get(which)
            return SessionGlance(**row, attendance=marks[which]) if row else None

        return ScheduleGlance(
            next_session=session("next"),
            last_session=session("last"),
            unrecorded=counts[0] or 0,
            unconfirmed=counts[1] or 0,
        )
