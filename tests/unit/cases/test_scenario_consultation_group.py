"""DOMAIN.md scenario 5 — Consultation group, sponsor pays."""

from __future__ import annotations

import pytest

from core.domain.cases.kinds import CaseKind, RecordType
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import RecordNotAllowed
from core.services import cases, directory
from core.services.cases import views as case_views
from core.services.documentation import diagnoses
from core.services.documentation.views.clinical_record import case_diagnoses
from tests.support.practice import Practice


async def test_a_clinic_pays_for_its_four_clinicians_consultation_group(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    clinic = await directory.register_organization(
        practice.deps, lee, directory.RegisterOrganization(name="Northside Clinic")
    )
    consultees = [
        await practice.person(name) for name in ("Ada Moss", "Ben Ortiz", "Cleo Ng", "Dev Rao")
    ]
    case_id = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.CONSULTATION_GROUP,
            name="Northside consultation group",
            responsible_provider_id=lee.id,
            participants=tuple(cases.Participant(person_id=p) for p in consultees),
            capacity=6,
            payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=clinic),
        ),
    )
    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert overview.kind_label == "consultation group"
    assert overview.service_line == "consultation"
    assert {m.role for m in overview.members_now} == {"consultee"}
    assert len(overview.members_now) == 4
    assert overview.payers is not None
    assert [(p.payer_name, p.covers_name) for p in overview.payers] == [
        ("Northside Clinic", "whole case")
    ]
    assert await case_diagnoses(practice.deps, lee, case_id) is None  # no panel on consultation
    org_page = await case_views.organization_page(practice.deps, lee, clinic)
    assert [c.name for c in org_page.cases] == ["Northside consultation group"]

    # The core refuses psychotherapy-only records, whatever the screens show.
    with pytest.raises(RecordNotAllowed, match="consultation group case cannot have a diagnosis"):
        await diagnoses.add_diagnosis(
            practice.deps,
            lee,
            diagnoses.AddDiagnosis(case_id=case_id, person_id=consultees[0], code="F43.2"),
        )
    case = await cases.get_case(practice.deps, lee, case_id)
    for record in (RecordType.SUPERBILL, RecordType.TREATMENT_PLAN, RecordType.INSURANCE_CLAIM):
        with pytest.raises(RecordNotAllowed):
            case.require_record(record)
    case.require_record(RecordType.INVOICE)
    case.require_record(RecordType.CONSULTATION_NOTE)
    async with practice.deps.uow() as uow:
        assert await uow.diagnoses.for_cases([case_id]) == []


@pytest.mark.parametrize("kind", [CaseKind.CONSULTATION, CaseKind.WORKSHOP])
async def test_consultation_and_workshop_cases_refuse_a_diagnosis(practice: Practice, kind):
    lee = await practice.staff("Dr. Lee")
    person = await practice.person("Ada Moss")
    case_id = await practice.open(lee, kind, person, name="Work")
    with pytest.raises(RecordNotAllowed):
        await diagnoses.add_diagnosis(
            practice.deps,
            lee,
            diagnoses.AddDiagnosis(case_id=case_id, person_id=person, code="F41.1"),
        )
