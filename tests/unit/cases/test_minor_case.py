"""A teen's individual case opened in one step: the client, the parent who represents them and
pays (DOMAIN.md scenario 3), in one unit of work."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import HelperKind
from core.domain.shared.errors import DomainError
from core.services import cases, directory
from core.services.cases import views as case_views
from tests.support.practice import Practice


async def test_the_representative_is_named_and_pays_with_the_opening(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    teen = directory.RegisterPerson(legal_name="Lucas Bennett", date_of_birth=date(2010, 9, 1))
    mother = directory.RegisterPerson(legal_name="Claire Bennett", email="claire@example.org")
    case_id = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.INDIVIDUAL,
            responsible_provider_id=lee.id,
            participants=(cases.Participant(new_person=teen),),
            representative=cases.Representative(new_person=mother, pays=True),
        ),
    )
    case = await cases.get_case(practice.deps, lee, case_id)
    (helper,) = case.helpers
    (member,) = case.memberships
    assert helper.kind is HelperKind.REPRESENTATIVE and helper.for_person_id == member.person_id
    (payer,) = case.billing
    assert payer.payer.id == helper.helper_id and payer.covers is None
    page = await case_views.case_page(practice.deps, lee, case_id)
    assert page.overview.members_now[0].minor_age == 15
    assert page.head is not None and page.head.flags == ["Nobody gets reminders."]


async def test_a_representative_without_a_client_registers_nobody(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    mother = directory.RegisterPerson(legal_name="Claire Bennett")
    with pytest.raises(DomainError, match="at least 1 client"):
        await cases.open_case(
            practice.deps,
            lee,
            cases.OpenCase(
                kind=CaseKind.INDIVIDUAL,
                name="A case without its client yet",
                responsible_provider_id=lee.id,
                representative=cases.Representative(new_person=mother),
            ),
        )
    assert await directory.find_people(practice.deps, practice.owner, "Claire") == []
