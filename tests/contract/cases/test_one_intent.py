"""One user intent, one unit of work, on memory, SQLite and PostgreSQL: a change that brings a
new person registers them with the change, so a refused change leaves the directory as it was."""

from __future__ import annotations

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import HelperKind, PayerKind
from core.domain.shared.errors import CaseFull, InvalidInput
from core.services import cases, directory
from tests.support.practice import Practice


async def _named(practice: Practice, text: str) -> list[str]:
    async with practice.deps.uow() as uow:
        return [p.legal_name for p in await uow.people.search(text)]


async def _couple(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya, sam = await practice.person("Maya Rivera"), await practice.person("Sam Chen")
    case_id = await practice.open(lee, CaseKind.COUPLE, maya, sam)
    return lee, maya, case_id


async def test_a_refused_new_partner_leaves_the_directory_as_it_was(practice: Practice):
    lee, _, case_id = await _couple(practice)
    third = directory.RegisterPerson(legal_name="Third Partner", email="third@example.org")
    with pytest.raises(CaseFull):
        await cases.add_member(
            practice.deps, lee, cases.AddMember(case_id=case_id, new_person=third)
        )
    assert await _named(practice, "Third") == []


async def test_a_refused_new_payer_or_helper_leaves_the_directory_as_it_was(practice: Practice):
    lee, _, case_id = await _couple(practice)
    with pytest.raises(InvalidInput):  # a share over 100 %
        await cases.add_billing_responsibility(
            practice.deps,
            lee,
            cases.AddBillingResponsibility(
                case_id=case_id,
                payer=cases.Payer(
                    kind=PayerKind.PERSON,
                    new_person=directory.RegisterPerson(legal_name="Big Payer"),
                    share_percent=101,
                ),
            ),
        )
    with pytest.raises(InvalidInput):  # helpers act for a participant of this case
        await cases.grant_helper_role(
            practice.deps,
            lee,
            cases.GrantHelperRole(
                case_id=case_id,
                new_helper=directory.RegisterPerson(legal_name="Care Helper"),
                for_person_id=await practice.person("Not In Case"),
                kind=HelperKind.SCHEDULING_HELPER,
            ),
        )
    assert await _named(practice, "Big Payer") == []
    assert await _named(practice, "Care Helper") == []


async def test_a_refused_opening_with_new_people_registers_nobody(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    with pytest.raises(CaseFull):  # an individual case has one client
        await cases.open_case(
            practice.deps,
            lee,
            cases.OpenCase(
                kind=CaseKind.INDIVIDUAL,
                responsible_provider_id=lee.id,
                participants=(
                    cases.Participant(new_person=directory.RegisterPerson(legal_name="First New")),
                    cases.Participant(new_person=directory.RegisterPerson(legal_name="Second New")),
                ),
            ),
        )
    assert await _named(practice, "New") == []


async def test_an_accepted_opening_registers_its_new_people_once(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    case_id = await cases.open_case(
        practice.deps,
        lee,
        cases.OpenCase(
            kind=CaseKind.FAMILY,
            responsible_provider_id=lee.id,
            participants=(
                cases.Participant(
                    new_person=directory.RegisterPerson(legal_name="Funmi Adeyemi"), pays=True
                ),
            ),
            payer=None,
        ),
    )
    assert await _named(practice, "Adeyemi") == ["Funmi Adeyemi"]
    case = await cases.get_case(practice.deps, lee, case_id)
    (member,) = case.memberships
    assert [b.payer.id for b in case.billing] == [member.person_id]


async def test_staff_are_invited_in_one_step_and_a_refused_addition_mails_nothing(
    practice: Practice,
):
    from core.domain.communication.messages import DeliveryState
    from core.domain.directory.parties import StaffRole
    from core.services.communication import accounts, invitations

    deps = accounts.AccountMailDeps.of(practice.deps, "http://hearth.test", "Practice")

    def new(email: str, supervisor: bool) -> directory.AddStaff:
        return directory.AddStaff(
            name="Dr. New",
            email=email,
            roles=frozenset({StaffRole.CLINICIAN}),
            supervisor_id=practice.owner.id if supervisor else None,
        )

    with pytest.raises(InvalidInput):  # an email another staff member has: nobody is added
        await invitations.invite_staff(deps, practice.owner, new("owner@hearth.test", False))
    staff_id = await invitations.invite_staff(deps, practice.owner, new("new@x.org", False))
    async with practice.deps.uow() as uow:
        assert [s.email for s in await uow.staff.list_all() if s.email == "new@x.org"] == [
            "new@x.org"
        ]
        assert await uow.credentials.get(staff_id) is None  # they choose it themselves
        mails = await uow.outbox.listing([DeliveryState.PENDING])
    assert [m.to for m in mails] == ["new@x.org"] and "/invitation/" in mails[0].body
