"""DOMAIN.md scenario 1 — Couple, one payer."""

from __future__ import annotations

import pytest

from core.domain.cases.access import Permission, PortalActor, case_permissions
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import Channel
from core.domain.shared.errors import CaseFull
from core.services import cases
from core.services.cases import views as case_views
from tests.support.practice import Practice, day


async def test_maya_and_sam_start_couples_work_with_dr_lee_and_sam_pays(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya = await practice.person("Maya Rivera")
    sam = await practice.person("Sam Chen")

    case_id = await practice.open(
        lee,
        CaseKind.COUPLE,
        (maya, MemberRole.PARTNER),
        (sam, MemberRole.PARTNER),
        name="Maya & Sam",
        payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
    )
    for person, invoices in ((maya, False), (sam, True)):
        await cases.set_communication(
            practice.deps,
            lee,
            cases.SetCommunication(
                case_id=case_id,
                person_id=person,
                channel=Channel.EMAIL,
                reminders=True,
                invoices=invoices,
                clinical_messages=True,
                portal_access=True,
            ),
        )

    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert overview.kind_label == "couple"
    assert [m.name for m in overview.members_now] == ["Maya Rivera", "Sam Chen"]
    assert {m.role for m in overview.members_now} == {"partner"}
    assert overview.responsible_provider is not None
    assert overview.responsible_provider.name == "Dr. Lee"
    assert overview.payers is not None
    assert [(p.payer_name, p.covers_name) for p in overview.payers] == [("Sam Chen", "whole case")]
    assert {c.name for c in overview.communication if c.reminders} == {"Maya Rivera", "Sam Chen"}

    # Sam sees invoices in the portal; Maya sees appointments and messages but no billing.
    case = await cases.get_case(practice.deps, lee, case_id)
    today = practice.clock.today()
    sam_portal = case_permissions(PortalActor(sam), case, today)
    maya_portal = case_permissions(PortalActor(maya), case, today)
    assert Permission.VIEW_BILLING in sam_portal
    assert {Permission.VIEW_SCHEDULE, Permission.RECEIVE_MESSAGES} <= maya_portal
    assert Permission.VIEW_BILLING not in maya_portal
    assert Permission.VIEW_CLINICAL not in sam_portal | maya_portal

    # Neither partner owns the case: both are plain members with the same role and the payer
    # is a separate fact.
    assert {m.person_id for m in overview.members_now} == {maya, sam}


async def test_a_couple_never_has_a_third_active_partner(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya, sam, alex = [await practice.person(n) for n in ("Maya Rivera", "Sam Chen", "Alex Kim")]
    case_id = await practice.open(lee, CaseKind.COUPLE, maya, sam)
    with pytest.raises(CaseFull, match="at most 2"):
        await cases.add_member(practice.deps, lee, cases.AddMember(case_id=case_id, person_id=alex))
    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert len(overview.members_now) == 2
    assert overview.name == "Maya Rivera & Sam Chen"  # named after the partners by default

    # Once Sam has left, another partner may join (a dyad can change) from the next day.
    sam_membership = next(m for m in overview.members_now if m.person_id == sam)
    await cases.end_membership(
        practice.deps,
        lee,
        cases.EndMembership(
            case_id=case_id, membership_id=sam_membership.membership_id, left_on=day(2, 1)
        ),
    )
    with pytest.raises(CaseFull):
        await cases.add_member(
            practice.deps,
            lee,
            cases.AddMember(case_id=case_id, person_id=alex, joined_on=day(2, 1)),
        )
    await cases.add_member(
        practice.deps, lee, cases.AddMember(case_id=case_id, person_id=alex, joined_on=day(2, 2))
    )
