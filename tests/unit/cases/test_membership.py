"""Membership periods and the participant limits of each case kind, on every date."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from core.domain.cases.case import Case
from core.domain.cases.kinds import POLICIES, CaseKind, MemberRole
from core.domain.shared.errors import CaseFull, InvalidInput, InvariantViolation, PeriodConflict
from core.domain.shared.values import CaseId, PersonId, StaffId
from tests.support.practice import day

LEE = StaffId(uuid.uuid4())


def new_case(kind: CaseKind, *people: PersonId, capacity: int | None = None) -> Case:
    return Case.open(
        id=CaseId(uuid.uuid4()),
        kind=kind,
        name="Case",
        opened_on=day(1, 5),
        responsible_provider=LEE,
        new_id=uuid.uuid4,
        participants=[(p, None) for p in people],
        capacity=capacity,
    )


def person() -> PersonId:
    return PersonId(uuid.uuid4())


def test_the_policy_table_covers_every_kind_with_its_words():
    assert set(POLICIES) == set(CaseKind)
    assert [POLICIES[k].label for k in CaseKind] == [
        "client",
        "couple",
        "family",
        "group",
        "consultation client",
        "consultation group",
        "workshop",
    ]


def test_an_individual_case_never_has_two_clients_on_any_date():
    a, b = person(), person()
    case = new_case(CaseKind.INDIVIDUAL, a)
    with pytest.raises(CaseFull):
        case.add_member(uuid.uuid4(), b, None, day(3, 1))
    # Not even one that starts later while the first is still in.
    with pytest.raises(CaseFull):
        case.add_member(uuid.uuid4(), b, None, day(6, 1), day(6, 30))
    assert len(case.memberships) == 1


def test_an_individual_case_starts_with_its_client():
    with pytest.raises(InvariantViolation, match="at least 1 client"):
        new_case(CaseKind.INDIVIDUAL)


def test_a_couple_can_change_partners_without_three_at_once():
    a, b, c = person(), person(), person()
    case = new_case(CaseKind.COUPLE, a, b)
    ending = next(m for m in case.memberships if m.person_id == b)
    case.end_membership(ending.id, day(2, 28))
    with pytest.raises(CaseFull, match="on 2026-02-28 it would have 3"):
        case.add_member(uuid.uuid4(), c, None, day(2, 28))
    case.add_member(uuid.uuid4(), c, MemberRole.PARENT, day(3, 1))
    assert {m.person_id for m in case.members_on(day(3, 1))} == {a, c}
    assert {m.person_id for m in case.members_on(day(2, 28))} == {a, b}


def test_a_future_period_counts_against_the_limit_on_its_dates():
    a, b, c = person(), person(), person()
    case = new_case(CaseKind.COUPLE, a)
    case.add_member(uuid.uuid4(), b, None, day(5, 1), day(5, 31))
    case.add_member(uuid.uuid4(), c, None, day(6, 1))  # after b's period: fine
    with pytest.raises(CaseFull):
        case.add_member(uuid.uuid4(), person(), None, day(5, 15), day(5, 20))


def test_a_group_is_limited_by_its_capacity():
    members = [person() for _ in range(3)]
    case = new_case(CaseKind.GROUP, *members, capacity=3)
    with pytest.raises(CaseFull, match="at most 3 active group members"):
        case.add_member(uuid.uuid4(), person(), None, day(2, 1))
    case.end_membership(case.memberships[0].id, day(2, 10))
    case.add_member(uuid.uuid4(), person(), None, day(2, 11))
    with pytest.raises(CaseFull):
        case.set_capacity(2)


def test_a_capacity_only_exists_for_groups_and_workshops():
    with pytest.raises(InvalidInput, match="fixed size"):
        new_case(CaseKind.FAMILY, person(), capacity=4)


def test_overlapping_periods_of_one_person_are_refused_and_a_return_is_a_new_period():
    a, b = person(), person()
    case = new_case(CaseKind.FAMILY, a, b)
    with pytest.raises(PeriodConflict, match="already in the case"):
        case.add_member(uuid.uuid4(), b, None, day(2, 1))
    first = next(m for m in case.memberships if m.person_id == b)
    case.end_membership(first.id, day(3, 31))
    with pytest.raises(PeriodConflict):
        case.add_member(uuid.uuid4(), b, None, day(3, 31))
    case.add_member(uuid.uuid4(), b, None, day(5, 1))
    periods = sorted((m.period.start, m.period.end) for m in case.memberships if m.person_id == b)
    assert periods == [(day(1, 5), day(3, 31)), (day(5, 1), None)]
    # History is kept: who was in the case on a date.
    assert {m.person_id for m in case.members_on(day(4, 15))} == {a}
    assert {m.person_id for m in case.members_on(day(5, 1))} == {a, b}
    assert case.members_on(day(1, 4)) == []


def test_leaving_before_joining_and_joining_before_opening_are_refused():
    a, b = person(), person()
    case = new_case(CaseKind.FAMILY, a, b)
    with pytest.raises(PeriodConflict, match="before the case opened"):
        case.add_member(uuid.uuid4(), person(), None, date(2025, 12, 31))
    with pytest.raises(PeriodConflict):
        case.end_membership(case.memberships[0].id, day(1, 4))


def test_the_last_participant_of_an_open_family_cannot_leave():
    a = person()
    case = new_case(CaseKind.FAMILY, a)
    with pytest.raises(InvariantViolation, match="Close the case instead"):
        case.end_membership(case.memberships[0].id, day(2, 1))
    # A group can be empty between cohorts.
    group = new_case(CaseKind.GROUP, a, capacity=8)
    group.end_membership(group.memberships[0].id, day(2, 1))


def test_member_roles_follow_the_kind():
    with pytest.raises(InvalidInput, match="group member"):
        new_case(CaseKind.GROUP, capacity=5).add_member(
            uuid.uuid4(), person(), MemberRole.PARTNER, day(1, 5)
        )
    family = new_case(CaseKind.FAMILY, person())
    m = family.add_member(uuid.uuid4(), person(), MemberRole.IDENTIFIED_CLIENT, day(1, 12))
    assert m.role is MemberRole.IDENTIFIED_CLIENT


def test_closing_ends_every_running_period_and_reopening_brings_members_back():
    a, b = person(), person()
    case = new_case(CaseKind.COUPLE, a, b)
    case.close(day(6, 30))
    assert case.members_on(day(7, 1)) == []
    assert case.responsible_provider_on(day(7, 1)) is None
    with pytest.raises(InvariantViolation, match="closed"):
        case.add_member(uuid.uuid4(), person(), None, day(7, 2))
    with pytest.raises(PeriodConflict):
        case.reopen(day(6, 30), LEE, uuid.uuid4)
    case.reopen(day(9, 1), LEE, uuid.uuid4)
    assert {m.person_id for m in case.members_on(day(9, 1))} == {a, b}
    assert case.responsible_provider_on(day(9, 1)) == LEE
    assert case.members_on(day(8, 1)) == []
