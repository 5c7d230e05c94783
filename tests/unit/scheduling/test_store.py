"""The scheduling store contract (tests/support/scheduling_store_contract) in memory."""

from __future__ import annotations

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.ports import UnitOfWorkFactory
from tests.support.scheduling_store_contract import *  # noqa: F403


@pytest.fixture
def uow() -> UnitOfWorkFactory:
    return memory_uow_factory()
