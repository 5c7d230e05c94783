"""Every contract test runs on every adapter: memory, sqlite, postgres (the test id says which).
The migrated databases they start from are made once per session (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from core.ports import UnitOfWorkFactory
from tests.conftest import require_or_skip
from tests.support.db import (
    empty_tables,
    sqlite_copy,
)
from tests.support.practice import Practice


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def engine(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine | None]:
    """An empty, migrated database for the adapter under test (None for memory)."""
    if adapter == "memory":
        yield None
        return
    if adapter == "sqlite":
        url = sqlite_copy(request.getfixturevalue("sqlite_template_path"), tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
        if url is None:
            require_or_skip(
                "REQUIRE_DB",
                "no PostgreSQL: set DATABASE_URL to a server, or start a Docker engine",
            )
    engine = create_engine(url)
    try:
        if adapter == "postgres":
            await empty_tables(engine)
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine | None) -> UnitOfWorkFactory:
    """The unit-of-work factory of the adapter named in the test id."""
    return memory_uow_factory() if engine is None else sql_uow_factory(engine)


@pytest.fixture
async def practice(uow: UnitOfWorkFactory) -> Practice:
    """A practice with its owner, on the adapter under test (for scenarios written once)."""
    return await Practice(uow).setup()
