"""DOMAIN.md scenario 3 — Teen individual, parent pays."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.cases.access import Permission, PortalActor, case_permissions
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import HelperKind, PayerKind
from core.domain.directory.parties import Channel
from core.domain.shared.errors import CaseFull, InvariantViolation
from core.services import cases
from core.services.cases import views as case_views
from tests.support.practice import Practice


async def test_a_teen_in_individual_therapy_whose_mother_signs_and_pays(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    teen = await practice.person("Jordan Park", date_of_birth=date(2010, 9, 1))
    mother = await practice.person("Hana Park")

    case_id = await practice.open(
        lee, CaseKind.INDIVIDUAL, teen, payer=cases.Payer(kind=PayerKind.PERSON, id=mother)
    )
    await cases.grant_helper_role(
        practice.deps,
        lee,
        cases.GrantHelperRole(
            case_id=case_id,
            helper_id=mother,
            for_person_id=teen,
            kind=HelperKind.REPRESENTATIVE,
        ),
    )
    await cases.set_communication(
        practice.deps,
        lee,
        cases.SetCommunication(
            case_id=case_id,
            person_id=mother,
            channel=Channel.EMAIL,
            invoices=True,
            portal_access=True,
        ),
    )
    # The mother gets invoices, never clinical messages: she is not a participant or a named
    # message recipient.
    with pytest.raises(InvariantViolation, match="Clinical messages"):
        await cases.set_communication(
            practice.deps,
            lee,
            cases.SetCommunication(
                case_id=case_id, person_id=mother, invoices=True, clinical_messages=True
            ),
        )

    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert overview.kind_label == "client"
    assert [m.name for m in overview.members_now] == ["Jordan Park"]
    assert overview.payers is not None and overview.payers[0].payer_name == "Hana Park"
    assert [(h.helper_name, h.kind, h.for_name) for h in overview.helpers] == [
        ("Hana Park", "representative", "Jordan Park")
    ]

    case = await cases.get_case(practice.deps, lee, case_id)
    mothers = case_permissions(PortalActor(mother), case, practice.clock.today())
    assert mothers == {Permission.SIGN_FORMS, Permission.VIEW_BILLING}

    # She is not a participant, and an individual case never has a second client.
    with pytest.raises(CaseFull, match="at most 1 active client"):
        await cases.add_member(
            practice.deps, lee, cases.AddMember(case_id=case_id, person_id=mother)
        )
    roles = await case_views.person_cases(practice.deps, lee, mother)
    assert [(c.name, c.roles) for c in roles.cases] == [
        ("Jordan Park", ["payer", "representative"])
    ]
