"""An edit of a case's field made from what a form read (core.services.cases.changes.Edit):
refused when someone else changed that field since, applied when only something else changed,
and a change with no form (no version) applies to the case as it is."""

from __future__ import annotations

import pytest

from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind
from core.domain.shared.errors import ConcurrencyConflict
from core.services import cases
from tests.support.practice import Practice


async def _case(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, await practice.person("Ann One"))
    case = await cases.get_case(practice.deps, lee, case_id)
    return lee, case


async def test_a_rename_over_someone_elses_rename_is_refused(practice: Practice):
    lee, case = await _case(practice)
    read = {"version": case.version, "was": case.name}
    rename = cases.RenameCase(case_id=case.id, name="Theirs", **read)
    await cases.rename_case(practice.deps, lee, rename)
    with pytest.raises(ConcurrencyConflict, match="changed by someone else"):
        await cases.rename_case(
            practice.deps, lee, cases.RenameCase(case_id=case.id, name="Mine", **read)
        )
    assert (await cases.get_case(practice.deps, lee, case.id)).name == "Theirs"


async def test_a_rename_after_a_change_of_something_else_applies(practice: Practice):
    lee, case = await _case(practice)
    read = {"version": case.version, "was": case.name}
    status = cases.ChangeStatus(case_id=case.id, status=CaseStatus.ACTIVE, version=case.version)
    await cases.change_status(practice.deps, lee, status)
    renamed = await cases.rename_case(
        practice.deps, lee, cases.RenameCase(case_id=case.id, name="Mine", **read)
    )
    assert renamed.name == "Mine" and renamed.status is CaseStatus.ACTIVE


async def test_a_version_alone_refuses_any_change_since_and_none_refuses_nothing(
    practice: Practice,
):
    lee, case = await _case(practice)
    await cases.change_status(
        practice.deps, lee, cases.ChangeStatus(case_id=case.id, status=CaseStatus.ACTIVE)
    )
    with pytest.raises(ConcurrencyConflict):
        await cases.set_capacity(
            practice.deps, lee, cases.SetCapacity(case_id=case.id, capacity=None, version=0)
        )
    renamed = await cases.rename_case(
        practice.deps, lee, cases.RenameCase(case_id=case.id, name="X")
    )
    assert renamed.name == "X"
