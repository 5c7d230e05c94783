"""DOMAIN.md scenario 7 — Admin on behalf (without scheduling, which arrives later)."""

from __future__ import annotations

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind, StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden, NotFound
from core.services import cases
from core.services.cases import views as case_views
from core.services.documentation import diagnoses
from core.services.documentation.views.clinical_record import case_diagnoses
from tests.support.practice import Practice, day


async def test_the_administrator_works_on_dr_lees_group_but_never_reads_clinical(
    practice: Practice,
):
    lee = await practice.staff("Dr. Lee")
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    members = [await practice.person(n) for n in ("Ann One", "Bo Two", "Cy Three")]
    group = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.GROUP,
            name="Tuesday DBT skills",
            responsible_provider_id=lee.id,
            participants=tuple(cases.Participant(person_id=m) for m in members[:2]),
            capacity=8,
        ),
    )
    await diagnoses.add_diagnosis(
        practice.deps,
        lee,
        diagnoses.AddDiagnosis(case_id=group, person_id=members[0], code="F60.3"),
    )

    # She does the administration of Dr. Lee's group...
    await cases.add_member(
        practice.deps,
        pat,
        cases.AddMember(case_id=group, person_id=members[2], joined_on=day(1, 12)),
    )
    await cases.add_billing_responsibility(
        practice.deps,
        pat,
        cases.AddBillingResponsibility(
            case_id=group,
            payer=cases.Payer(kind=PayerKind.PERSON, id=members[2], covers=members[2]),
            from_day=day(1, 12),
        ),
    )
    await cases.rename_case(
        practice.deps, pat, cases.RenameCase(case_id=group, name="Tuesday DBT skills group")
    )
    # ...sees schedules, contacts and money...
    overview = await case_views.case_overview(practice.deps, pat, group)
    assert overview.payers is not None and len(overview.payers) == 1
    assert overview.admin_support[0].name == "Pat Admin"
    # ...and never clinical content.
    assert await case_diagnoses(practice.deps, pat, group) is None
    assert "view_clinical" not in overview.permissions
    with pytest.raises(Forbidden, match="clinical records"):
        await diagnoses.add_diagnosis(
            practice.deps,
            pat,
            diagnoses.AddDiagnosis(case_id=group, person_id=members[1], code="F41.1"),
        )

    # The record shows who made each change, and on whose behalf.
    history = await case_views.case_history(practice.deps, pat, group)
    by_pat = [h for h in history if h.actor == "Pat Admin"]
    assert [h.action for h in by_pat] == ["renamed", "payer_added", "member_added"]
    assert {h.on_behalf_of for h in by_pat} == {"Dr. Lee"}
    assert all(h.action != "diagnosis_added" for h in history)  # clinical entries hidden
    lees_view = await case_views.case_history(practice.deps, lee, group)
    assert any(h.action == "diagnosis_added" for h in lees_view)
    assert next(h for h in lees_view if h.action == "opened").on_behalf_of is None


async def test_an_administrator_of_other_clinicians_does_not_see_the_case(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(kim,))
    client = await practice.person("Ann One")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, client)
    with pytest.raises(NotFound):
        await case_views.case_overview(practice.deps, pat, case_id)
    # Administrative support for this one case opens it to her, without clinical content.
    await cases.assign_staff(
        practice.deps,
        lee,
        cases.AssignStaff(case_id=case_id, staff_id=pat.id, duty=StaffDuty.ADMIN_SUPPORT),
    )
    overview = await case_views.case_overview(practice.deps, pat, case_id)
    assert await case_diagnoses(practice.deps, pat, case_id) is None and overview.payers == []
