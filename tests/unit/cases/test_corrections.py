"""Corrections of a case: a last day edited or removed, and any item "entered in error" with a
reason, which takes it out of every calculation and keeps it with who and why; a member who
leaves stops getting reminders, and what pays for them ends that day unless kept."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from core.domain.cases import events as ev
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerRef,
    StaffDuty,
)
from core.domain.directory.parties import Channel
from core.domain.shared.errors import (
    CaseFull,
    InvalidInput,
    InvariantViolation,
    NotFound,
    PeriodConflict,
)
from core.domain.shared.values import Period, StaffId
from tests.support.practice import day
from tests.unit.cases.test_membership import LEE, new_case, person

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
KIM = StaffId(uuid.uuid4())


def _membership(case, person_id):
    return next(m for m in case.memberships if m.person_id == person_id)


def test_a_wrong_payer_entered_in_error_frees_the_share_for_the_right_one():
    ava = person()
    case = new_case(CaseKind.GROUP, ava, person(), capacity=8)
    employer = PayerRef.organization(uuid.uuid4())  # type: ignore[arg-type]
    wrong = case.add_billing(BillingResponsibility(uuid.uuid4(), employer, ava, Period(day(1, 5))))
    right = BillingResponsibility(uuid.uuid4(), PayerRef.person(ava), ava, Period(day(1, 5)))
    with pytest.raises(InvariantViolation, match="add up to 200%"):
        case.add_billing(right)
    with pytest.raises(InvalidInput, match="Say why"):
        case.enter_in_error(wrong.id, "  ", LEE, AT)
    case.events.pull()
    correction = case.enter_in_error(wrong.id, "Ava's employer does not pay for her", LEE, AT)
    assert case.billing == [] and case.payers_on(day(2, 1)) == []
    assert correction.item == wrong and correction.by == LEE and correction.at == AT
    assert case.entered_in_error == [correction]
    (event,) = case.events.pull()
    assert isinstance(event, ev.EnteredInError)
    assert event.item_kind == "billing_responsibility" and event.item_id == wrong.id
    assert event.audited == ("entered_in_error", "billing_responsibility", "item_id")
    case.add_billing(right)
    assert case.payers_on(day(2, 1)) == [right]
    with pytest.raises(InvariantViolation, match="already marked"):
        case.enter_in_error(wrong.id, "again", LEE, AT)
    with pytest.raises(NotFound):
        case.enter_in_error(uuid.uuid4(), "nothing", LEE, AT)


def test_a_membership_entered_in_error_leaves_every_count_and_what_it_made_reachable():
    ava, ben, wrong = person(), person(), person()
    case = new_case(CaseKind.COUPLE, ava, ben)
    case.end_membership(_membership(case, ben).id, day(2, 1))
    # The wrong person "joined" and blocks the real second partner: the couple is full.
    added = case.add_member(uuid.uuid4(), wrong, None, day(2, 2))
    case.set_communication(
        CommunicationPreference(wrong, Channel.EMAIL, reminders=True, portal_access=True)
    )
    with pytest.raises(CaseFull):
        case.add_member(uuid.uuid4(), person(), None, day(2, 2))
    case.enter_in_error(added.id, "Wrong person picked", LEE, AT)
    assert not case.ever_member(wrong) and wrong not in case.related_person_ids()
    assert wrong not in case.communication  # nobody the case knows any more: no reminders
    case.add_member(uuid.uuid4(), person(), None, day(2, 2))
    assert len(case.members_on(day(2, 2))) == 2


def test_a_membership_is_not_forgotten_while_the_case_would_be_left_without_members():
    only, payer = person(), person()
    case = new_case(CaseKind.INDIVIDUAL, only)
    with pytest.raises(InvariantViolation, match="no client on 2026-01-05"):
        case.enter_in_error(_membership(case, only).id, "wrong client", LEE, AT)
    family = new_case(CaseKind.FAMILY, only, person())
    family.add_billing(
        BillingResponsibility(uuid.uuid4(), PayerRef.person(payer), only, Period(day(1, 5)))
    )
    with pytest.raises(InvariantViolation, match="correct those first"):
        family.enter_in_error(_membership(family, only).id, "wrong", LEE, AT)


def test_the_responsible_provider_is_replaced_not_entered_in_error_but_other_duties_are():
    case = new_case(CaseKind.GROUP, capacity=8)
    provider = case.staff[0]
    with pytest.raises(InvariantViolation, match="responsible provider"):
        case.enter_in_error(provider.id, "wrong", LEE, AT)
    co = case.add_staff_duty(uuid.uuid4(), KIM, StaffDuty.CO_THERAPIST, day(1, 5))
    case.end_staff_duty(co.id, day(2, 1))  # an ended duty can still be a mistake
    case.enter_in_error(co.id, "Dr. Kim never co-led this group", LEE, AT)
    assert KIM not in {a.staff_id for a in case.staff}
    assert case.duties_of(KIM, day(1, 10)) == set()


def test_a_helper_entered_in_error_loses_what_the_case_sent_them():
    ava, aide = person(), person()
    case = new_case(CaseKind.INDIVIDUAL, ava)
    role = case.grant_helper(
        HelperRole(uuid.uuid4(), aide, ava, HelperKind.MESSAGE_RECIPIENT, Period(day(1, 5)))
    )
    case.set_communication(CommunicationPreference(aide, Channel.EMAIL, clinical_messages=True))
    case.enter_in_error(role.id, "Not her aide", LEE, AT)
    assert case.helpers == [] and aide not in case.communication


def test_leaving_ends_reminders_portal_and_the_members_payers_in_one_event_chain():
    ava, ben = person(), person()
    case = new_case(CaseKind.GROUP, ava, ben, capacity=8)
    mine = case.add_billing(
        BillingResponsibility(uuid.uuid4(), PayerRef.person(ava), ava, Period(day(1, 5)))
    )
    whole = case.add_billing(
        BillingResponsibility(uuid.uuid4(), PayerRef.person(ben), None, Period(day(1, 5)), 50)
    )
    case.set_communication(
        CommunicationPreference(
            ava, Channel.EMAIL, reminders=True, invoices=True, portal_access=True
        )
    )
    case.events.pull()
    case.end_membership(_membership(case, ava).id, day(3, 1))
    left, ended, stopped = case.events.pull()
    assert isinstance(left, ev.MemberLeft) and not left.joins
    assert isinstance(ended, ev.PayerEnded) and ended.joins and ended.responsibility.id == mine.id
    assert isinstance(stopped, ev.CommunicationSet) and stopped.joins
    assert case.payers_on(day(3, 2)) == [whole]  # the whole group's payer is another fact
    # She paid for herself until she left: invoices for that time still reach her.
    assert case.communication[ava] == CommunicationPreference(ava, Channel.EMAIL, invoices=True)


def test_a_member_who_leaves_can_keep_their_payer_explicitly():
    ava, ben = person(), person()
    case = new_case(CaseKind.GROUP, ava, ben, capacity=8)
    employer = PayerRef.organization(uuid.uuid4())  # type: ignore[arg-type]
    case.add_billing(BillingResponsibility(uuid.uuid4(), employer, ava, Period(day(1, 5))))
    case.end_membership(_membership(case, ava).id, day(3, 1), keep_billing=True)
    assert len(case.payers_on(day(3, 2))) == 1


def test_a_last_day_is_corrected_or_removed_within_the_rules_of_the_kind():
    ava, ben, cal = person(), person(), person()
    case = new_case(CaseKind.COUPLE, ava, ben)
    ben_m = _membership(case, ben)
    case.end_membership(ben_m.id, day(2, 1))
    case.events.pull()
    corrected = case.change_membership_end(ben_m.id, day(2, 15))
    assert corrected.period == Period(day(1, 5), day(2, 15))
    (event,) = case.events.pull()
    assert isinstance(event, ev.MembershipEndChanged)
    assert (event.before, event.after) == (day(2, 1), day(2, 15))
    with pytest.raises(InvalidInput, match="already its last day"):
        case.change_membership_end(ben_m.id, day(2, 15))
    with pytest.raises(PeriodConflict):
        case.change_membership_end(ben_m.id, day(1, 1))
    # A new partner from 1 March: Ben's end cannot be removed (three partners at once).
    case.add_member(uuid.uuid4(), cal, None, day(3, 1))
    with pytest.raises(CaseFull) as full:
        case.change_membership_end(ben_m.id, None)
    assert full.value.field == "left_on"
    assert case.members_on(day(3, 1)) == [m for m in case.memberships if m.person_id != ben]
    # Ben returning later with a new period: his first can't run into it.
    other = new_case(CaseKind.GROUP, ava, capacity=8)
    first = other.add_member(uuid.uuid4(), ben, None, day(1, 5), day(1, 31))
    other.add_member(uuid.uuid4(), ben, None, day(3, 1))
    with pytest.raises(PeriodConflict, match="another period"):
        other.change_membership_end(first.id, None)
    removed = other.change_membership_end(first.id, day(2, 27))
    assert removed.period.end == day(2, 27)
