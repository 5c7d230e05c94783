"""SQL repositories of clinical documentation."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.errors import ConcurrencyConflict
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, Period, PersonId

_d = t.case_diagnoses.c


def _diagnosis(row: sa.Row) -> Diagnosis:
    return Diagnosis(
        id=row.id,
        case_id=CaseId(row.case_id),
        person_id=PersonId(row.person_id),
        code=row.code,
        description=row.description,
        period=Period(row.start_on, row.end_on),
        version=0 if row.end_on is None else 1,  # a diagnosis changes once: when it ends
    )


class SqlDiagnosisRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.events: list[DomainEvent] = []  # of the diagnoses stored, for the unit of work

    async def get(self, diagnosis_id: UUID) -> Diagnosis | None:
        row = (
            await self._conn.execute(sa.select(t.case_diagnoses).where(_d.id == diagnosis_id))
        ).first()
        return _diagnosis(row) if row else None

    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[Diagnosis]:
        ids = list(set(case_ids))
        if not ids:
            return []
        rows = await self._conn.execute(
            sa.select(t.case_diagnoses).where(_d.case_id.in_(ids)).order_by(_d.case_id, _d.position)
        )
        return [_diagnosis(r) for r in rows]

    async def add(self, diagnosis: Diagnosis) -> None:
        self.events += diagnosis.events.pull()
        # Recorded order within the case, as when the case aggregate held the list.
        position = (
            sa.select(sa.func.coalesce(sa.func.max(_d.position) + 1, 0))
            .where(_d.case_id == diagnosis.case_id)
            .scalar_subquery()
        )
        await self._conn.execute(
            sa.insert(t.case_diagnoses).values(
                id=diagnosis.id,
                case_id=diagnosis.case_id,
                position=position,
                person_id=diagnosis.person_id,
                code=diagnosis.code,
                description=diagnosis.description,
                start_on=diagnosis.period.start,
                end_on=diagnosis.period.end,
            )
        )

    async def update(self, diagnosis: Diagnosis) -> None:
        """The one change a diagnosis has: its end, written only while it still runs."""
        self.events += diagnosis.events.pull()
        result = await self._conn.execute(
            sa.update(t.case_diagnoses)
            .where(_d.id == diagnosis.id, _d.end_on.is_(None))
            .values(end_on=diagnosis.period.end)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This diagnosis")
        diagnosis.version = 1
