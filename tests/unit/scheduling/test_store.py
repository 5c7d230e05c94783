"""The scheduling store contract on the in-memory adapter (see tests/scheduling_store_contract)."""

from __future__ import annotations

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.ports import UnitOfWorkFactory
from tests.scheduling_store_contract import *  # noqa: F403


@pytest.fixture
def uow() -> UnitOfWorkFactory:
    return memory_uow_factory()
