"""DOMAIN.md scenario 8 — Person in two cases."""

from __future__ import annotations

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.shared.errors import InvalidInput, NotFound
from core.services import directory
from core.services.cases import views as case_views
from tests.support.practice import Practice


async def test_sam_in_a_couple_case_and_his_own_individual_case(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    maya = await practice.person("Maya Rivera")
    sam = await practice.person("Sam Chen", mobile="+1 555 0100 200")
    couple = await practice.open(lee, CaseKind.COUPLE, maya, sam, name="Maya & Sam")
    # Dr. Kim does not find Dr. Lee's client (HIPAA minimum necessary), and entering him
    # again is refused without naming him: the owner links the existing Sam to her case.
    assert await directory.find_people(practice.deps, kim, "sam") == []
    with pytest.raises(InvalidInput, match="already a client of the practice") as refused:
        await directory.register_person(
            practice.deps, kim, directory.RegisterPerson(legal_name="S C", mobile="+15550100200")
        )
    assert "Sam" not in str(refused.value) and "Lee" not in str(refused.value)
    with pytest.raises(InvalidInput, match="from the practice directory"):
        await practice.open(kim, CaseKind.INDIVIDUAL, sam)  # an id kept from elsewhere
    individual = await practice.open(practice.owner, CaseKind.INDIVIDUAL, sam, provider=kim.id)
    assert [p.id for p in await directory.find_people(practice.deps, kim, "sam")] == [sam]

    # One person, two cases, one set of contact details.
    changed = await directory.get_person(practice.deps, kim, sam)
    await directory.update_person(
        practice.deps,
        kim,
        directory.UpdatePerson(
            person_id=sam, version=changed.version, legal_name="Sam Chen", email="sam@new.example"
        ),
    )
    couple_view = await case_views.case_overview(practice.deps, lee, couple)
    assert "Sam Chen" in [m.name for m in couple_view.members_now]
    assert (await directory.get_person(practice.deps, lee, sam)).email == "sam@new.example"

    # Each clinician sees only the case their role allows.
    assert [c.id for c in (await case_views.person_cases(practice.deps, lee, sam)).cases] == [
        couple
    ]
    assert [c.id for c in (await case_views.person_cases(practice.deps, kim, sam)).cases] == [
        individual
    ]
    with pytest.raises(NotFound):
        await case_views.case_overview(practice.deps, kim, couple)
    with pytest.raises(NotFound):
        await case_views.case_overview(practice.deps, lee, individual)
    # The owner, who manages every case, sees both and Sam's role in each.
    owners = await case_views.person_cases(practice.deps, practice.owner, sam)
    assert sorted((c.kind_label, c.roles) for c in owners.cases) == [
        ("client", ["client"]),
        ("couple", ["partner"]),
    ]
