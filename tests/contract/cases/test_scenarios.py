"""The domain scenarios of tests/unit, run again on every adapter: a use case must behave the
same whatever stores its data. (The `practice` fixture here is built on the adapter under test.)"""

from tests.unit.cases.test_scenario_admin_on_behalf import *  # noqa: F403
from tests.unit.cases.test_scenario_consultation_group import *  # noqa: F403
from tests.unit.cases.test_scenario_couple import *  # noqa: F403
from tests.unit.cases.test_scenario_person_in_two_cases import *  # noqa: F403
from tests.unit.cases.test_scenario_teen import *  # noqa: F403
