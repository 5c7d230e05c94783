"""The appointment page's, the schedule screen's and the case page's panels' reads (diagnoses,
fee overrides) send statements built once: the same
statement object every time, its values bound at execution (building a statement and its cache
key for every read cost about as much CPU as sending it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.unit_of_work import SqlUnitOfWork
from core.domain.scheduling.appointments import AppointmentStatus
from core.domain.shared.values import CaseId
from tests.support.statements import sent_by


async def test_the_reads_send_one_statement_object_each(engine: AsyncEngine | None):
    if engine is None:
        pytest.skip("statements are built by the SQL stores")

    async def reads(n: int) -> None:
        uow = SqlUnitOfWork(engine)
        async with uow:
            case_id, other = CaseId(uuid.uuid4()), uuid.uuid4()
            at = datetime(2026, 3, n, tzinfo=UTC)
            await uow.appointments.get(other)
            await uow.appointments.in_series(other)
            await uow.appointments.series_slots(other)
            await uow.appointments.get_series(other)
            await uow.appointments.last_booked_service(case_id)
            await uow.appointments.for_case(
                case_id, start=at, statuses=[AppointmentStatus.SCHEDULED], limit=n
            )
            await uow.appointments.for_case(case_id, end=at, limit=1, newest_first=True)
            await uow.services.get(other)
            await uow.services.list_all(include_inactive=True)
            await uow.people.display_names([other])
            await uow.diagnoses.for_cases([case_id])
            await uow.fee_overrides.for_cases([case_id])

    first, second = await sent_by(engine, reads)
    assert len(first) == len(second) == 12
    assert [a is b for a, b in zip(first, second, strict=True)] == [True] * 12
