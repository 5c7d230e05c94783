"""Every read model sends the same statements for a practice of 10 cases as for a bigger one
(`python -m tests.support.scale` shows the numbers at 10 and 10,000 cases on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.persistence.sql.engine import create_engine
from tests.conftest import require_or_skip
from tests.support.db import empty_tables, sqlite_copy
from tests.support.scale import build, measure


async def _counts(
    adapter: str, n: int, request: pytest.FixtureRequest, tmp_path: Path
) -> dict[str, int]:
    tmp_path.mkdir()
    if adapter == "sqlite":
        url = sqlite_copy(request.getfixturevalue("sqlite_template_path"), tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
        if url is None:
            require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
    engine = create_engine(url)
    try:
        if adapter == "postgres":
            await empty_tables(engine)
        scene = await build(engine, n)
        return {name: stmts for name, (stmts, _, _) in (await measure(engine, scene)).items()}
    finally:
        await engine.dispose()


async def test_read_models_send_as_many_statements_for_300_cases_as_for_10(
    adapter: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
):
    small = await _counts(adapter, 10, request, tmp_path / "small")
    large = await _counts(adapter, 300, request, tmp_path / "large")
    assert small == large
    assert max(small.values()) <= 20, small  # a handful each, never one per row
