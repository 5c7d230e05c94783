"""The scheduling store contract (tests/scheduling_store_contract.py) on every adapter."""

from tests.scheduling_store_contract import *  # noqa: F403
