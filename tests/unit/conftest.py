from __future__ import annotations

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from tests.support.practice import Practice


@pytest.fixture
async def practice() -> Practice:
    return await Practice(memory_uow_factory()).setup()
