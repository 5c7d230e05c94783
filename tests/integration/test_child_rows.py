"""An aggregate's child rows read in one statement (PostgreSQL: each row as JSON, typed back)
are the rows the separate queries give, value for value and type for type: the case store
compares them with the rows it would write, so a difference would rewrite unchanged rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.cases import _TABLES
from adapters.persistence.sql.child_rows import child_queries, child_rows
from adapters.persistence.sql.expressions import among_value
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import HelperKind, StaffDuty
from core.domain.scheduling.appointments import Attendance
from core.ports import UnitOfWorkFactory
from core.services import cases, directory
from core.services import scheduling as s
from tests.support.scheduling_practice import Clinic, at


def _types(row: dict) -> dict:
    """asyncpg gives UUIDs as its own subclass of UUID: the same to everything that reads them."""
    return {k: UUID if isinstance(v, UUID) else type(v) for k, v in row.items()}


async def _separately(engine: AsyncEngine, tables, ids, parent: str) -> list[dict]:
    found: list[dict] = []
    async with engine.connect() as conn:
        bound = {"ids": among_value(ids, conn.dialect.name)}
        for query in child_queries(tables, conn.dialect.name, parent):
            rows: dict = {}
            result = await conn.execute(query, bound)
            for r in result.mappings():
                rows.setdefault(r[parent], []).append(dict(r))
            found.append(rows)
    return found


async def _together(engine: AsyncEngine, tables, ids, parent: str) -> list[dict]:
    async with engine.connect() as conn:
        bound = {"ids": among_value(ids, conn.dialect.name)}
        return [dict(x) for x in await child_rows(conn, tables, bound, parent)]


async def test_child_rows_together_are_the_rows_of_the_separate_queries(
    engine: AsyncEngine, uow: UnitOfWorkFactory
):
    clinic = await Clinic(uow).setup()
    lee, kim = await clinic.staff("Dr. Lee"), await clinic.staff("Dr. Kim")
    ava, ben, wrong = [await clinic.person(n) for n in ("Ava One", "Ben Two", "Wrong Person")]
    group = await clinic.case(
        CaseKind.GROUP, lee, (ava, MemberRole.GROUP_MEMBER), (ben, MemberRole.GROUP_MEMBER)
    )
    case = await cases.add_member(
        clinic.deps, lee, cases.AddMember(case_id=group, person_id=wrong, reminders=True)
    )
    membership = next(m for m in case.memberships if m.person_id == wrong)
    await cases.assign_staff(
        clinic.deps,
        lee,
        cases.AssignStaff(case_id=group, staff_id=kim.id, duty=StaffDuty.CO_THERAPIST),
    )
    await cases.grant_helper_role(
        clinic.deps,
        lee,
        cases.GrantHelperRole(
            case_id=group,
            new_helper=directory.RegisterPerson(legal_name="An Aide"),
            for_person_id=ava,
            kind=HelperKind.SCHEDULING_HELPER,
        ),
    )
    # Every child table has rows: an entered-in-error one carries an instant (`marked_at`).
    await cases.mark_entered_in_error(
        clinic.deps,
        lee,
        cases.MarkEnteredInError(case_id=group, item_id=membership.id, reason="wrong person"),
    )
    booked = await clinic.book(
        lee, group, at(3, 2, 10), service="Group 90", provider_ids=(lee.id, kim.id)
    )
    appointment = booked.appointment_ids[0]
    clinic.clock.set(datetime(2026, 3, 3, tzinfo=UTC))  # the session has been held
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(appointment_id=appointment, marks={ava: Attendance.ATTENDED}),
    )
    for tables, ids, parent in (
        (_TABLES, [group], "case_id"),
        (
            (t.appointment_providers, t.appointment_attendance, t.appointment_codes),
            [appointment],
            "appointment_id",
        ),
    ):
        apart = await _separately(engine, tables, ids, parent)
        together = await _together(engine, tables, ids, parent)
        assert together == apart
        assert all(rows for rows in apart[:2])  # the case's lists / providers were read
        for a, b in zip(apart, together, strict=True):
            for rows_a, rows_b in zip(a.values(), b.values(), strict=True):
                for x, y in zip(rows_a, rows_b, strict=True):
                    assert _types(x) == _types(y)


async def test_a_case_with_the_first_or_last_day_there_is_loads(uow: UnitOfWorkFactory):
    """asyncpg writes date.min / date.max as -infinity / infinity (and reads them back), which
    JSON gives as those words: a case opened on 0001-01-01 (a date form accepts it) must still
    load, as it did with the separate queries."""
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    ava = await clinic.person("Ava One")
    first = await clinic.case(CaseKind.INDIVIDUAL, lee, (ava, None), opened_on=date.min)
    async with uow() as u:
        case = await u.cases.get(first)
    assert case is not None
    assert [m.period.start for m in case.memberships] == [date.min]
    assert [a.period.start for a in case.staff] == [date.min]


async def test_the_last_instant_reads_as_the_separate_query_reads_it(engine: AsyncEngine):
    case_id = uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(t.cases).values(
                id=case_id,
                kind="individual",
                name="x",
                name_folded="x",
                status="active",
                opened_on=date(2026, 1, 5),
            )
        )
        await conn.execute(
            sa.insert(t.case_entered_in_error).values(
                id=uuid4(),
                case_id=case_id,
                position=0,
                list_name="staff",
                reason="wrong",
                marked_at=datetime.max.replace(tzinfo=UTC),
                start_on=date.max,
            )
        )
    apart = await _separately(engine, _TABLES, [case_id], "case_id")
    assert await _together(engine, _TABLES, [case_id], "case_id") == apart
