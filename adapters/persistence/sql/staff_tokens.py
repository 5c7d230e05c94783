"""Staff tokens on SQL: found by hash (unique), used once by one conditional UPDATE."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from core.domain.directory.tokens import StaffToken, TokenPurpose
from core.domain.shared.values import StaffId

_t = t.staff_tokens


class SqlStaffTokenRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, token: StaffToken) -> None:
        await self.expire(token.staff_id, token.purpose, token.created_at)
        await self._conn.execute(
            sa.insert(_t).values(
                id=token.id,
                staff_id=token.staff_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )

    async def expire(self, staff_id: StaffId, purpose: TokenPurpose, at: datetime) -> None:
        await self._conn.execute(
            sa.update(_t)
            .where(
                _t.c.staff_id == staff_id,
                _t.c.purpose == purpose.value,
                _t.c.used_at.is_(None),
                _t.c.expires_at > at,
            )
            .values(expires_at=at)
        )

    async def by_hash(self, token_hash: str) -> StaffToken | None:
        row = (await self._conn.execute(sa.select(_t).where(_t.c.token_hash == token_hash))).first()
        if row is None:
            return None
        return StaffToken(
            id=row.id,
            staff_id=StaffId(row.staff_id),
            purpose=TokenPurpose(row.purpose),
            token_hash=row.token_hash,
            created_at=row.created_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
        )

    async def use(self, token_id: UUID, at: datetime) -> bool:
        statement = (
            sa.update(_t)
            # The expiry too: a revoke or a newer link may have ended it since it was read.
            .where(_t.c.id == token_id, _t.c.used_at.is_(None), _t.c.expires_at > at)
            .values(used_at=at)
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def count_since(self, staff_id: StaffId, purpose: TokenPurpose, since: datetime) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(_t)
            .where(
                _t.c.staff_id == staff_id,
                _t.c.purpose == purpose.value,
                _t.c.created_at >= since,
            )
        )
        return (await self._conn.execute(query)).scalar_one()
