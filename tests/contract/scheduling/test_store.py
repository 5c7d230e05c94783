"""The scheduling store contract (tests/support/scheduling_store_contract.py) on every adapter."""

from tests.support.scheduling_store_contract import *  # noqa: F403
