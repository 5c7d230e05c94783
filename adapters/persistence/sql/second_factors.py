"""Second factors on SQL: each use one conditional UPDATE, so a code passes once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.upsert import upsert
from core.domain.directory.practice import PRACTICE_ID
from core.domain.directory.second_factor import SecondFactor
from core.domain.shared.values import StaffId

_f = t.second_factors
_r = t.recovery_codes


class SqlSecondFactorRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, staff_id: StaffId) -> SecondFactor | None:
        row = (await self._conn.execute(sa.select(_f).where(_f.c.staff_id == staff_id))).first()
        if row is None:
            return None
        return SecondFactor(
            staff_id=StaffId(row.staff_id),
            secret=row.secret,
            enrolled_at=row.enrolled_at,
            last_step=row.last_step,
        )

    async def enrol(self, factor: SecondFactor, recovery_hashes: Sequence[str]) -> None:
        await self.remove(factor.staff_id)
        await self._conn.execute(
            sa.insert(_f).values(
                staff_id=factor.staff_id,
                secret=factor.secret,
                enrolled_at=factor.enrolled_at,
                last_step=factor.last_step,
            )
        )
        await self.replace_recovery_codes(factor.staff_id, recovery_hashes)

    async def remove(self, staff_id: StaffId) -> None:
        await self._conn.execute(sa.delete(_r).where(_r.c.staff_id == staff_id))
        await self._conn.execute(sa.delete(_f).where(_f.c.staff_id == staff_id))

    async def accept_step(self, staff_id: StaffId, step: int) -> bool:
        statement = (
            sa.update(_f)
            .where(_f.c.staff_id == staff_id, _f.c.last_step < step)
            .values(last_step=step)
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def use_recovery_code(self, staff_id: StaffId, code_hash: str, at: datetime) -> bool:
        statement = (
            sa.update(_r)
            .where(_r.c.staff_id == staff_id, _r.c.code_hash == code_hash, _r.c.used_at.is_(None))
            .values(used_at=at)
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def replace_recovery_codes(self, staff_id: StaffId, hashes: Sequence[str]) -> None:
        await self._conn.execute(sa.delete(_r).where(_r.c.staff_id == staff_id))
        if hashes:
            await self._conn.execute(
                sa.insert(_r), [{"staff_id": staff_id, "code_hash": h} for h in hashes]
            )

    async def recovery_codes_left(self, staff_id: StaffId) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(_r)
            .where(_r.c.staff_id == staff_id, _r.c.used_at.is_(None))
        )
        return (await self._conn.execute(query)).scalar_one()

    async def required(self) -> bool | None:
        query = sa.select(t.account_policy.c.require_second_factor).where(
            t.account_policy.c.id == PRACTICE_ID
        )
        return (await self._conn.execute(query)).scalar_one_or_none()

    async def set_required(self, required: bool) -> None:
        await self._conn.execute(
            upsert(
                self._conn.dialect.name,
                t.account_policy,
                {"id": PRACTICE_ID, "require_second_factor": required},
                key=["id"],
            )
        )
