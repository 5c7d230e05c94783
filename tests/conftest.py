"""Shared test settings. Tiers that need a database or a browser skip when it is absent, and
fail instead when REQUIRE_DB=1 / REQUIRE_BROWSER=1 (as in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.db import postgres_database, postgres_server, sqlite_template


def require_or_skip(flag: str, reason: str) -> None:
    """Skip with `reason`, or fail when the environment says this tier is required."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1)", pytrace=False)
    pytest.skip(reason)


# The migrated databases, made once per session here (not in a tier's conftest: a fixture
# imported into a second conftest is a second fixture, and would migrate a second database).


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A migrated PostgreSQL database for this test session, or None when there is no server."""
    with postgres_server() as server:
        if server is None:
            yield None
            return
        with postgres_database(server) as url:
            yield url


@pytest.fixture(scope="session")
def sqlite_template_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with sqlite_template(tmp_path_factory.mktemp("sqlite")) as path:
        yield path
