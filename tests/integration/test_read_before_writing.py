"""PostgreSQL: a unit of work reads outside a transaction until its first write
(`engine.read_before_writing`), and what it writes is still one transaction.

`now()` is the start of the statement's transaction: outside a transaction two statements
in a row give two instants, inside one they give the same. That tells the two apart from the
server's side, whatever the driver says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.engine import _PG_READING, _needs_transaction, create_engine
from tests.conftest import require_or_skip
from tests.support.db import empty_tables

NOW = sa.text("SELECT now()")


@pytest.fixture
async def engine(postgres_url: str | None) -> AsyncIterator[AsyncEngine]:
    if postgres_url is None:
        require_or_skip("REQUIRE_DB", "no PostgreSQL server")
        pytest.skip("no PostgreSQL server")
    engine = create_engine(postgres_url)
    await empty_tables(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _in_transaction(conn: AsyncConnection) -> bool:
    before = (await conn.execute(NOW)).scalar()
    await conn.execute(sa.text("SELECT pg_sleep(0.002)"))
    return before == (await conn.execute(NOW)).scalar()


async def test_reads_run_outside_a_transaction_until_the_first_write(engine: AsyncEngine):
    async with engine.connect() as conn:
        assert not await _in_transaction(conn)
        await conn.execute(sa.text("SET LOCAL statement_timeout = '5s'"))  # begins one
        assert await _in_transaction(conn)
        await conn.commit()
        assert not await _in_transaction(conn)  # the next unit of work reads outside again
        await conn.execute(sa.select(t.practice.c.id).with_for_update())  # a lock begins one
        assert await _in_transaction(conn)


async def test_a_write_after_reads_is_rolled_back_whole(engine: AsyncEngine):
    people = t.people
    first, second = uuid4(), uuid4()
    async with engine.connect() as conn:
        await conn.execute(sa.select(sa.func.count()).select_from(people))
        await conn.execute(sa.insert(people).values(_person(first)))
        await conn.execute(sa.select(sa.func.count()).select_from(people))
        await conn.execute(sa.insert(people).values(_person(second)))
        await conn.rollback()
    async with engine.connect() as conn:
        found = (await conn.execute(sa.select(sa.func.count()).select_from(people))).scalar()
    assert found == 0


def _person(person_id) -> dict:
    return {
        "id": person_id,
        "legal_name": "Test Person",
        "legal_folded": "test person",
        "preferred_name": "",
        "preferred_folded": "",
        "pronouns": "",
        "address": "",
        "preferred_channel": "email",
    }


async def test_a_connection_goes_back_to_the_pool_out_of_reading(engine: AsyncEngine):
    """However it is returned (here straight to the pool, no commit or rollback seen), a
    connection left reading is checked in as it came: the next unit of work's writes must be
    one transaction, not each committed on its own."""
    raw = await engine.raw_connection()
    driver = raw.dbapi_connection
    assert driver is not None and not driver.autocommit
    raw.info[_PG_READING] = True  # as `read_before_writing` leaves a connection that read
    driver.autocommit = True
    raw.close()
    assert not driver.autocommit
    assert _PG_READING not in raw.info


async def test_an_engine_with_its_own_isolation_is_left_alone(postgres_url: str | None):
    if postgres_url is None:
        pytest.skip("no PostgreSQL server")
    engine = create_engine(postgres_url, isolation_level="REPEATABLE READ")
    try:
        async with engine.connect() as conn:
            assert await _in_transaction(conn)
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("statement", "needs"),
    [
        ("SELECT 1", False),
        ("  (SELECT a FROM x) UNION (SELECT b FROM y)", False),
        ("select id from cases where id = $1", False),
        ("SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE", True),
        ("SELECT id FROM outbox FOR UPDATE SKIP LOCKED", True),
        ("SELECT id FROM x FOR SHARE", True),
        ("SELECT pg_advisory_xact_lock(1)", True),
        ("SELECT pg_try_advisory_xact_lock(1)", True),
        ("SELECT id FROM x\nFOR   UPDATE", True),
        ("SELECT id FROM x for no key update", True),
        ("SELECT for_update, sharer FROM x", False),
        ("WITH moved AS (UPDATE x SET a = 1 RETURNING id) SELECT id FROM moved", True),
        ("INSERT INTO x VALUES (1)", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("SET LOCAL synchronous_commit = on", True),
    ],
)
def test_what_begins_a_transaction(statement: str, needs: bool):
    assert _needs_transaction(statement) is needs


async def test_a_lost_connection_is_rolled_back_without_a_second_error(engine: AsyncEngine):
    """After a disconnect (invalidated), the rollback of the unit of work raises nothing of
    the listener's own (it asked the discarded connection for its info before)."""
    async with engine.connect() as conn:
        await conn.execute(NOW)
        await conn.invalidate()
        await conn.rollback()
