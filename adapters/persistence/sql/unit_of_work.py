"""The SQL unit of work: one connection and one transaction, shared by its repositories."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.sql.cases import SqlCaseRepository
from adapters.persistence.sql.directory import (
    SqlCredentialRepository,
    SqlOrganizationRepository,
    SqlPersonRepository,
    SqlStaffRepository,
)
from adapters.persistence.sql.history import SqlHistoryRepository


class SqlUnitOfWork:
    """One connection per unit of work. Its transaction begins with the first statement (on
    SQLite: `BEGIN IMMEDIATE`, see engine.py); `commit()` makes the changes visible to others;
    leaving without it, or with an exception, rolls back and returns the connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        conn = self._conn = await self._engine.connect()
        self.people = SqlPersonRepository(conn)
        self.organizations = SqlOrganizationRepository(conn)
        self.staff = SqlStaffRepository(conn)
        self.cases = SqlCaseRepository(conn)
        self.history = SqlHistoryRepository(conn)
        self.credentials = SqlCredentialRepository(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.rollback()
            finally:
                await conn.close()

    async def commit(self) -> None:
        await self._open().commit()

    async def rollback(self) -> None:
        await self._open().rollback()

    def _open(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("The unit of work is not open.")
        return self._conn


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(engine)
