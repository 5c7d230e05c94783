"""PostgreSQL reads a page of cases, people or organizations in name order straight from an
index: the indexes sort by code point (COLLATE "C"), as the lists do (`expressions.by_text`)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import by_text


@pytest.fixture(params=["postgres"])
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.mark.parametrize(
    ("table", "column", "index"),
    [
        (t.cases, "name_folded", "ix_cases_name_folded_id"),
        (t.people, "legal_folded", "ix_people_legal_folded"),
        (t.organizations, "name_folded", "ix_organizations_name_folded"),
    ],
)
async def test_a_name_ordered_page_is_read_from_the_index(
    engine: AsyncEngine, table: sa.Table, column: str, index: str
):
    page = sa.select(table).order_by(by_text(table.c[column], "postgresql"), table.c.id)
    sql = str(page.limit(50).compile(engine.sync_engine, compile_kwargs={"literal_binds": True}))
    async with engine.connect() as conn:
        await conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in await conn.execute(sa.text("EXPLAIN " + sql)))
    assert f"Scan using {index}" in plan, plan
    if table is t.cases:  # (name_folded, id) gives the whole order: no sort at all
        assert "Sort" not in plan.replace("Incremental Sort", ""), plan
