"""Database guarantees checked on the real databases only (no in-memory variant here)."""

from __future__ import annotations

import pytest

from tests.contract.conftest import (  # noqa: F401  (fixtures)
    engine,
    practice,
    uow,
)


@pytest.fixture(params=["sqlite", "postgres"])
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param
