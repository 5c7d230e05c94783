"""Responsibilities are separate facts with periods; changing one never changes another."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import BillingResponsibility, PayerKind, PayerRef, StaffDuty
from core.domain.cases.supervision import effective_supervisor
from core.domain.directory.parties import Channel, StaffRole
from core.domain.shared.errors import InvalidInput, InvariantViolation, PeriodConflict
from core.domain.shared.values import Period, StaffId
from core.services import cases
from core.services.cases import views as case_views
from tests.support.practice import Practice, day
from tests.unit.cases.test_membership import LEE, new_case, person

KIM = StaffId(uuid.uuid4())


def test_exactly_one_responsible_provider_on_every_open_day():
    case = new_case(CaseKind.INDIVIDUAL, person())
    case.assign_responsible_provider(uuid.uuid4(), KIM, day(3, 1))
    assert case.responsible_provider_on(day(2, 28)) == LEE
    assert case.responsible_provider_on(day(3, 1)) == KIM
    for d in (day(1, 5), day(2, 28), day(3, 1), day(12, 31)):
        assert len(case.staff_on(d, StaffDuty.RESPONSIBLE_PROVIDER)) == 1
    # No handover into the past of the current provider, and no ending without a successor.
    with pytest.raises(PeriodConflict):
        case.assign_responsible_provider(uuid.uuid4(), LEE, day(2, 1))
    current = case.staff_on(day(3, 1), StaffDuty.RESPONSIBLE_PROVIDER)[0]
    with pytest.raises(InvariantViolation, match="always has a responsible provider"):
        case.end_staff_duty(current.id, day(4, 1))


def test_a_handover_on_the_first_day_corrects_instead_of_stacking():
    case = new_case(CaseKind.INDIVIDUAL, person())
    case.assign_responsible_provider(uuid.uuid4(), KIM, day(1, 5))
    providers = case.staff_on(day(1, 5), StaffDuty.RESPONSIBLE_PROVIDER)
    assert [a.staff_id for a in providers] == [KIM]
    assert len([a for a in case.staff if a.duty is StaffDuty.RESPONSIBLE_PROVIDER]) == 1


def test_co_therapists_add_up_but_the_provider_is_not_one_of_them():
    case = new_case(CaseKind.GROUP, capacity=8)
    case.add_staff_duty(uuid.uuid4(), KIM, StaffDuty.CO_THERAPIST, day(1, 5))
    with pytest.raises(PeriodConflict):
        case.add_staff_duty(uuid.uuid4(), KIM, StaffDuty.CO_THERAPIST, day(2, 1))
    with pytest.raises(InvariantViolation):
        case.add_staff_duty(uuid.uuid4(), LEE, StaffDuty.CO_THERAPIST, day(2, 1))
    with pytest.raises(InvariantViolation, match="co-therapist"):
        case.assign_responsible_provider(uuid.uuid4(), KIM, day(3, 1))


def test_shares_of_payers_covering_the_same_thing_never_exceed_everything():
    a = person()
    case = new_case(CaseKind.INDIVIDUAL, a)
    mother, father = PayerRef.person(person()), PayerRef.person(person())
    case.add_billing(BillingResponsibility(uuid.uuid4(), mother, None, Period(day(1, 5)), 60))
    with pytest.raises(InvariantViolation, match="add up to 110%"):
        case.add_billing(BillingResponsibility(uuid.uuid4(), father, None, Period(day(2, 1)), 50))
    case.add_billing(BillingResponsibility(uuid.uuid4(), father, None, Period(day(2, 1)), 40))
    with pytest.raises(PeriodConflict, match="already covers"):
        case.add_billing(BillingResponsibility(uuid.uuid4(), mother, None, Period(day(3, 1)), 1))
    with pytest.raises(InvalidInput, match="one participant of this case"):
        case.add_billing(BillingResponsibility(uuid.uuid4(), father, person(), Period(day(1, 5))))
    with pytest.raises(InvalidInput, match="percentage"):
        BillingResponsibility(uuid.uuid4(), father, None, Period(day(1, 5)), 0)


def test_in_a_group_each_member_pays_for_themselves_except_two_paid_by_an_employer():
    members = [person() for _ in range(6)]
    case = new_case(CaseKind.GROUP, *members, capacity=10)
    employer = PayerRef.organization(uuid.uuid4())  # type: ignore[arg-type]
    for m in members[:4]:
        case.add_billing(
            BillingResponsibility(uuid.uuid4(), PayerRef.person(m), m, Period(day(1, 5)))
        )
    for m in members[4:]:
        case.add_billing(BillingResponsibility(uuid.uuid4(), employer, m, Period(day(1, 5))))
    payers = {b.covers: b.payer for b in case.payers_on(day(2, 1))}
    assert payers[members[0]] == PayerRef.person(members[0])
    assert payers[members[5]].kind is PayerKind.ORGANIZATION
    # A member leaving ends what pays for them that day, unless the clinician keeps it.
    case.end_membership(
        next(x for x in case.memberships if x.person_id == members[5]).id, day(3, 1)
    )
    assert len(case.payers_on(day(3, 1))) == 6
    assert len(case.payers_on(day(3, 2))) == 5
    case.end_membership(
        next(x for x in case.memberships if x.person_id == members[4]).id,
        day(3, 1),
        keep_billing=True,
    )
    assert len(case.payers_on(day(3, 2))) == 5


def test_supervision_levels_appointment_over_case_over_provider_default():
    from core.domain.directory.parties import Licensure, StaffMember

    supervisor, other = StaffId(uuid.uuid4()), StaffId(uuid.uuid4())
    associate = StaffMember(
        id=StaffId(uuid.uuid4()),
        name="Ari Associate",
        email="ari@hearth.test",
        roles=frozenset({StaffRole.CLINICIAN}),
        licensure=Licensure.ASSOCIATE,
        supervisor_id=supervisor,
    )
    case = new_case(CaseKind.FAMILY, person())
    case.assign_responsible_provider(uuid.uuid4(), associate.id, day(1, 5))
    assert effective_supervisor(case, associate, day(2, 1)) == supervisor
    case.set_supervisor(uuid.uuid4(), LEE, day(2, 1))
    assert effective_supervisor(case, associate, day(1, 31)) == supervisor
    assert effective_supervisor(case, associate, day(2, 1)) == LEE
    assert effective_supervisor(case, associate, day(2, 8), appointment_override=other) == other
    with pytest.raises(InvariantViolation, match="cannot supervise their own case"):
        case.set_supervisor(uuid.uuid4(), associate.id, day(3, 1))


async def test_communication_needs_a_usable_channel(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    no_sms = await practice.person("Ann One", mobile="+15550100")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, no_sms)
    with pytest.raises(InvalidInput, match="consent to SMS") as refused:
        await cases.set_communication(
            practice.deps,
            lee,
            cases.SetCommunication(
                case_id=case_id, person_id=no_sms, channel=Channel.SMS, reminders=True
            ),
        )
    assert refused.value.field == "channel"
    stranger = await practice.person("Stan Ger")
    with pytest.raises(InvalidInput, match="Only participants, payers and helpers"):
        await cases.set_communication(
            practice.deps,
            lee,
            cases.SetCommunication(case_id=case_id, person_id=stranger, reminders=True),
        )


async def test_adding_a_payer_does_not_make_them_a_participant(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    client, father = await practice.person("Kid Okafor"), await practice.person("Dad Okafor")
    case_id = await practice.open(lee, CaseKind.FAMILY, client, name="Okafor family")
    await cases.add_billing_responsibility(
        practice.deps,
        lee,
        cases.AddBillingResponsibility(
            case_id=case_id, payer=cases.Payer(kind=PayerKind.PERSON, id=father)
        ),
    )
    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert [m.name for m in overview.members_now] == ["Kid Okafor"]
    assert overview.payers is not None and overview.payers[0].payer_name == "Dad Okafor"


async def test_staff_duties_need_the_matching_role(practice: Practice):
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR)
    kim = await practice.staff("Dr. Kim")
    client = await practice.person("Ann One")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, client)
    with pytest.raises(InvalidInput, match="active clinician"):
        await cases.assign_staff(
            practice.deps,
            lee,
            cases.AssignStaff(case_id=case_id, staff_id=pat.id, duty=StaffDuty.CO_THERAPIST),
        )
    with pytest.raises(InvalidInput, match="active supervisor"):
        await cases.assign_staff(
            practice.deps,
            lee,
            cases.AssignStaff(case_id=case_id, staff_id=kim.id, duty=StaffDuty.SUPERVISOR),
        )
    case = await cases.assign_staff(
        practice.deps,
        lee,
        cases.AssignStaff(case_id=case_id, staff_id=kim.id, duty=StaffDuty.CO_THERAPIST),
    )
    co = next(a for a in case.staff if a.duty is StaffDuty.CO_THERAPIST)
    await cases.end_staff_duty(
        practice.deps, lee, cases.EndStaffDuty(case_id=case_id, assignment_id=co.id)
    )
    # Ended today (inclusive): Dr. Kim co-treats today and no longer from tomorrow.
    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert [(s.name, s.until) for s in overview.co_therapists] == [("Dr. Kim", day(1, 5))]
    practice.clock.advance(timedelta(days=1))
    overview = await case_views.case_overview(practice.deps, lee, case_id)
    assert overview.co_therapists == []
    assert [s.name for s in overview.staff_history] == ["Dr. Kim"]
