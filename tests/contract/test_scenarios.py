"""The domain scenarios of tests/unit, run again on every adapter: a use case must behave the
same whatever stores its data."""

from tests.unit.test_scenario_couple import *  # noqa: F403
