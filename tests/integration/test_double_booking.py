"""The database itself refuses to double-book a provider: on PostgreSQL an exclusion constraint
(checked at commit), whatever the code before it checked; the unit of work reports it as the
domain's DoubleBooking, naming the other session."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.scheduling import SqlAppointmentRepository, _child_rows
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from core.domain.scheduling.appointments import AppointmentStatus, DoubleBooking
from tests.support.scheduling_store_contract import T0, Setting, add
from tests.support.stores import commit_without_handlers


@pytest.fixture
def adapter() -> str:
    return "postgres"


async def test_the_exclusion_constraint_refuses_overlapping_slots(engine: AsyncEngine):
    w = await Setting().store(sql_uow_factory(engine))
    first = w.session()
    await add(sql_uow_factory(engine), first)
    cancelled = w.session(T0 + timedelta(minutes=10), status=AppointmentStatus.CANCELLED)
    back_to_back = w.session(T0 + timedelta(minutes=50))
    overlapping = w.session(T0 + timedelta(minutes=49), case=1)

    async def insert_raw(appointment) -> None:
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(t.appointments),
                [
                    {
                        **{c.name: None for c in t.appointments.c if c.nullable},
                        "id": appointment.id,
                        "case_id": appointment.case_id,
                        "start_at": appointment.start,
                        "end_at": appointment.end,
                        "service_id": appointment.service_id,
                        "location": "",
                        "status": appointment.status.value,
                        "created_at": appointment.created.at,
                    }
                ],
            )
            await conn.execute(
                sa.insert(t.appointment_providers),
                _child_rows(appointment)[t.appointment_providers],
            )

    await insert_raw(cancelled)  # a cancelled session holds no slot
    await insert_raw(back_to_back)  # [start, end): touching is not overlapping
    with pytest.raises(IntegrityError, match="ex_appointment_providers_overlap"):
        await insert_raw(overlapping)


async def test_a_clash_committed_between_the_check_and_the_commit_is_a_double_booking(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
):
    uow = sql_uow_factory(engine)
    w = await Setting().store(uow)
    mine = w.session()
    theirs = w.session(T0 + timedelta(minutes=30), case=1)
    real_clash = SqlAppointmentRepository.clash
    calls = []

    async def blind_first_check(self, candidates):
        """As if the other session was committed after the check before commit looked."""
        calls.append(1)
        return None if len(calls) == 1 else await real_clash(self, candidates)

    await add(uow, theirs)
    monkeypatch.setattr(SqlAppointmentRepository, "clash", blind_first_check)
    with pytest.raises(DoubleBooking) as refused:
        async with uow() as u:
            await u.appointments.add(mine)
            await commit_without_handlers(u)
    assert len(calls) == 2  # the constraint refused the commit; the clash was looked up
    assert refused.value.provider_id == w.lee.id
    assert (refused.value.start, refused.value.end) == (theirs.start, theirs.end)
    async with uow() as u:
        assert await u.appointments.get(mine.id) is None
