"""SQL repositories of clinical documentation."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.documentation.diagnoses import Diagnosis, EnteredInError
from core.domain.documentation.events import DiagnosisEnded
from core.domain.shared.errors import ConcurrencyConflict
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, Period, PersonId

_d = t.case_diagnoses.c


def _diagnosis(row: sa.Row) -> Diagnosis:
    error = (
        None
        if row.error_reason is None
        else EnteredInError(row.error_reason, row.error_by, row.error_at)
    )
    return Diagnosis(
        id=row.id,
        case_id=CaseId(row.case_id),
        person_id=PersonId(row.person_id),
        code=row.code,
        description=row.description,
        period=Period(row.start_on, row.end_on),
        entered_in_error=error,
        # A diagnosis changes at most twice: when it ends, when it is marked entered in error.
        version=(row.end_on is not None) + (error is not None),
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
            sa.select(t.case_diagnoses)
            .where(_d.case_id.in_(ids), _d.error_reason.is_(None))
            .order_by(_d.case_id, _d.position)
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
        """A diagnosis's changes: its end, written only while it still runs, and its "entered
        in error", after which nothing changes. Both are checked against the row as stored,
        so of two people changing it at once one is told to reload."""
        events = diagnosis.events.pull()
        self.events += events
        unchanged = [_d.id == diagnosis.id, _d.error_reason.is_(None)]
        if any(isinstance(e, DiagnosisEnded) for e in events):
            unchanged.append(_d.end_on.is_(None))
        error = diagnosis.entered_in_error
        result = await self._conn.execute(
            sa.update(t.case_diagnoses)
            .where(*unchanged)
            .values(
                end_on=diagnosis.period.end,
                error_reason=error.reason if error else None,
                error_by=error.by if error else None,
                error_at=error.at if error else None,
            )
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This diagnosis")
        diagnosis.version = (diagnosis.period.end is not None) + (error is not None)
