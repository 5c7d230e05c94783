"""SQL repositories of clinical documentation."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import among_bound, among_value
from core.domain.cases.responsibilities import StaffDuty
from core.domain.documentation.diagnoses import Diagnosis, EnteredInError
from core.domain.documentation.plans import PlanContent, PlanDue, PlanSignature, TreatmentPlan
from core.domain.shared.errors import ConcurrencyConflict
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, Period, PersonId, StaffId

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
        primary=row.is_primary,
        version=row.version,
    )


@functools.cache
def _of_cases(dialect: str) -> sa.Select[Any]:
    """The standing diagnoses of the cases bound as `ids` (`among_value`), built once per
    dialect (the case page asks on every visit)."""
    return (
        sa.select(t.case_diagnoses)
        .where(among_bound(_d.case_id, "ids", dialect), _d.error_reason.is_(None))
        .order_by(_d.case_id, _d.position)
    )


class SqlDiagnosisRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
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
            _of_cases(self._dialect), {"ids": among_value(ids, self._dialect)}
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
                is_primary=diagnosis.primary,
            )
        )

    async def update(self, diagnosis: Diagnosis) -> None:
        """A diagnosis's changes: its end, its rank, its "entered in error" (after which
        nothing changes), each checked against the version read, so that of two people
        changing it at once one is told to reload."""
        self.events += diagnosis.events.pull()
        error = diagnosis.entered_in_error
        result = await self._conn.execute(
            sa.update(t.case_diagnoses)
            .where(
                _d.id == diagnosis.id,
                _d.version == diagnosis.version,
                _d.error_reason.is_(None),
            )
            .values(
                end_on=diagnosis.period.end,
                is_primary=diagnosis.primary,
                error_reason=error.reason if error else None,
                error_by=error.by if error else None,
                error_at=error.at if error else None,
                version=_d.version + 1,
            )
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This diagnosis")
        diagnosis.version += 1


_p = t.treatment_plans.c
_TREATING = [StaffDuty.RESPONSIBLE_PROVIDER.value, StaffDuty.CO_THERAPIST.value]


def _plan(row: sa.Row) -> TreatmentPlan:
    signature = (
        None
        if row.signed_at is None
        else PlanSignature(StaffId(row.signed_by), row.signed_at, row.signed_sha256)
    )
    return TreatmentPlan(
        id=row.id,
        case_id=CaseId(row.case_id),
        person_id=PersonId(row.person_id),
        number=row.number,
        content=PlanContent.from_canonical(row.content),
        written_by=StaffId(row.written_by) if row.written_by else None,
        written_at=row.written_at,
        signature=signature,
        version=row.version,
    )


def _plan_values(plan: TreatmentPlan) -> dict[str, object]:
    signature = plan.signature
    return {
        "content": plan.content.canonical(),
        "review_on": plan.content.review_on,
        "written_by": plan.written_by,
        "written_at": plan.written_at,
        "signed_by": signature.by if signature else None,
        "signed_at": signature.at if signature else None,
        "signed_sha256": signature.sha256 if signature else None,
    }


class SqlTreatmentPlanRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.events: list[DomainEvent] = []  # of the plans stored, for the unit of work

    async def get(self, plan_id: UUID) -> TreatmentPlan | None:
        row = (
            await self._conn.execute(sa.select(t.treatment_plans).where(_p.id == plan_id))
        ).first()
        return _plan(row) if row else None

    async def for_case(self, case_id: CaseId) -> list[TreatmentPlan]:
        # Participants in the order their first version was written, each by number.
        outer = t.treatment_plans.alias("p")
        first = (
            sa.select(sa.func.min(t.treatment_plans.c.written_at))
            .where(
                t.treatment_plans.c.case_id == outer.c.case_id,
                t.treatment_plans.c.person_id == outer.c.person_id,
            )
            .scalar_subquery()
        )
        rows = await self._conn.execute(
            sa.select(outer)
            .where(outer.c.case_id == case_id)
            .order_by(first, outer.c.person_id, outer.c.number)
        )
        return [_plan(r) for r in rows]

    async def latest(self, case_id: CaseId, person_id: UUID) -> TreatmentPlan | None:
        row = (
            await self._conn.execute(
                sa.select(t.treatment_plans)
                .where(_p.case_id == case_id, _p.person_id == person_id)
                .order_by(_p.number.desc())
                .limit(1)
            )
        ).first()
        return _plan(row) if row else None

    async def add(self, plan: TreatmentPlan) -> None:
        # The same number added meanwhile breaks the unique key: on PostgreSQL that ends the
        # transaction, which the unit of work then rolls back.
        try:
            await self._conn.execute(
                sa.insert(t.treatment_plans).values(
                    id=plan.id,
                    case_id=plan.case_id,
                    person_id=plan.person_id,
                    number=plan.number,
                    version=plan.version,
                    **_plan_values(plan),
                )
            )
        except sa.exc.IntegrityError as exc:
            raise ConcurrencyConflict("This treatment plan") from exc
        self.events += plan.events.pull()

    async def update(self, plan: TreatmentPlan) -> None:
        """Only an unsigned row at the version read is written (the database's trigger
        refuses a signed one too)."""
        result = await self._conn.execute(
            sa.update(t.treatment_plans)
            .where(_p.id == plan.id, _p.version == plan.version, _p.signed_at.is_(None))
            .values(version=_p.version + 1, **_plan_values(plan))
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This treatment plan")
        plan.version += 1
        self.events += plan.events.pull()

    async def due_for_review(self, staff_id: StaffId, today: date) -> list[PlanDue]:
        rows = await self._conn.execute(_due_for_review(), {"staff_id": staff_id, "today": today})
        return [
            PlanDue(
                plan_id=r.id,
                case_id=CaseId(r.case_id),
                case_name=r.name,
                person_id=PersonId(r.person_id),
                number=r.number,
                review_on=r.review_on,
            )
            for r in rows
        ]


@functools.cache
def _due_for_review() -> sa.Select[Any]:
    """The signed plans in force past their review day (bound: today) of the members a staff
    member (bound: staff_id) treats in an open case that day, built once: the header's
    attention count after every page asks for them."""
    newer = t.treatment_plans.alias("newer")
    staff = t.case_staff.c
    member = t.case_memberships.c
    staff_id = sa.bindparam("staff_id", type_=staff.staff_id.type)
    today = sa.bindparam("today", type_=_p.review_on.type)
    return (
        sa.select(_p.id, _p.case_id, t.cases.c.name, _p.person_id, _p.number, _p.review_on)
        .join(t.cases, t.cases.c.id == _p.case_id)
        .where(
            _p.signed_at.is_not(None),
            _p.review_on < today,
            t.cases.c.closed_on.is_(None),
            ~sa.exists().where(
                newer.c.case_id == _p.case_id,
                newer.c.person_id == _p.person_id,
                newer.c.number > _p.number,
                newer.c.signed_at.is_not(None),
            ),
            sa.exists().where(
                staff.case_id == _p.case_id,
                staff.staff_id == staff_id,
                staff.duty.in_(_TREATING),
                staff.start_on <= today,
                sa.or_(staff.end_on.is_(None), staff.end_on >= today),
            ),
            sa.exists().where(
                member.case_id == _p.case_id,
                member.person_id == _p.person_id,
                member.start_on <= today,
                sa.or_(member.end_on.is_(None), member.end_on >= today),
            ),
        )
        .order_by(_p.review_on, t.cases.c.name, _p.id)
    )
