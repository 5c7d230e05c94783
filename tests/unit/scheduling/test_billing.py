"""Code suggestions for every case of DOMAIN.md's billing paragraph."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from core.domain.billing.codes import OptionKind, crisis_lines, suggest_codes
from core.domain.cases.case import Membership
from core.domain.cases.kinds import (
    CaseKind,
    MemberRole,
    RecordType,
    ServiceLine,
    line_allows,
    policy,
)
from core.domain.scheduling.services import Service
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import InvalidInput, RecordNotAllowed
from core.domain.shared.values import Money, Period, PersonId


def member(n: int, role: MemberRole) -> Membership:
    return Membership(UUID(int=100 + n), PersonId(UUID(int=n)), role, Period(date(2026, 1, 1)))


def codes(
    kind, minutes, expected, attended, service_code=None, named=None
) -> list[tuple[str, int]]:
    suggestion = suggest_codes(
        kind=kind,
        service_code=service_code,
        minutes=minutes,
        expected=expected,
        attended_ids={m.person_id for m in attended},
        identified_client=named.person_id if named else None,
    )
    return [(line.code, line.units) for line in suggestion.lines]


CLIENT = member(1, MemberRole.CLIENT)


@pytest.mark.parametrize(
    ("minutes", "expected_code"),
    [
        (15, []),
        (16, [("90832", 1)]),
        (37, [("90832", 1)]),
        (38, [("90834", 1)]),
        (52, [("90834", 1)]),
        (53, [("90837", 1)]),
        (90, [("90837", 1)]),
    ],
)
def test_individual_psychotherapy_is_coded_by_length(minutes, expected_code):
    assert codes(CaseKind.INDIVIDUAL, minutes, [CLIENT], [CLIENT], "90834") == expected_code


def test_an_individual_session_the_client_missed_earns_no_code():
    assert codes(CaseKind.INDIVIDUAL, 50, [CLIENT], []) == []


def test_family_work_is_90847_with_the_identified_client_and_90846_without():
    mother = member(1, MemberRole.PARENT)
    teen = member(2, MemberRole.IDENTIFIED_CLIENT)
    grandmother = member(3, MemberRole.CAREGIVER)
    family = [mother, teen, grandmother]
    assert codes(CaseKind.FAMILY, 50, family, [mother]) == [("90846", 1)]
    assert codes(CaseKind.FAMILY, 50, family, [mother, grandmother]) == [("90846", 1)]
    assert codes(CaseKind.FAMILY, 50, family, [mother, teen]) == [("90847", 1)]
    assert codes(CaseKind.FAMILY, 50, family, [teen]) == [("90847", 1)]
    assert codes(CaseKind.FAMILY, 20, family, [teen]) == []  # under 26 minutes


def test_couple_work_counts_the_partners_as_the_clients():
    a, b = member(1, MemberRole.PARTNER), member(2, MemberRole.PARTNER)
    assert codes(CaseKind.COUPLE, 50, [a, b], [a, b]) == [("90847", 1)]
    assert codes(CaseKind.COUPLE, 50, [a, b], [b]) == []  # one alone: Hearth asks (below)
    parent, child = member(3, MemberRole.PARENT), member(4, MemberRole.CHILD)
    # A parent-child dyad: the child is the identified client.
    assert codes(CaseKind.COUPLE, 50, [parent, child], [parent]) == [("90846", 1)]
    assert codes(CaseKind.COUPLE, 50, [parent, child], [child, parent]) == [("90847", 1)]


def test_group_psychotherapy_is_one_90853_per_attending_member():
    members = [member(n, MemberRole.GROUP_MEMBER) for n in range(1, 9)]
    came = members[:5]
    suggestion = suggest_codes(
        kind=CaseKind.GROUP,
        service_code="90853",
        minutes=90,
        expected=members,
        attended_ids={m.person_id for m in came},
    )
    assert [line.code for line in suggestion.lines] == ["90853"] * 5
    assert [line.person_id for line in suggestion.lines] == [m.person_id for m in came]


def test_a_diagnostic_evaluation_is_90791_whatever_its_length():
    assert codes(CaseKind.INDIVIDUAL, 75, [CLIENT], [CLIENT], "90791") == [("90791", 1)]
    family = [member(1, MemberRole.PARENT), member(2, MemberRole.IDENTIFIED_CLIENT)]
    assert codes(CaseKind.FAMILY, 60, family, family[:1], "90791") == [("90791", 1)]


@pytest.mark.parametrize(
    ("minutes", "lines"),
    [
        (29, [("90832", 1)]),  # under 30 minutes crisis work is ordinary psychotherapy
        (30, [("90839", 1)]),
        (74, [("90839", 1)]),
        (75, [("90839", 1), ("90840", 1)]),
        (104, [("90839", 1), ("90840", 1)]),
        (105, [("90839", 1), ("90840", 2)]),
        (135, [("90839", 1), ("90840", 3)]),
    ],
)
def test_crisis_is_90839_plus_90840_per_further_30_minutes(minutes, lines):
    assert codes(CaseKind.INDIVIDUAL, minutes, [CLIENT], [CLIENT], "90839") == lines
    if minutes >= 30:
        assert [(c.code, c.units) for c in crisis_lines(minutes)] == lines


@pytest.mark.parametrize(
    "kind", [CaseKind.CONSULTATION, CaseKind.CONSULTATION_GROUP, CaseKind.WORKSHOP]
)
def test_consultation_and_workshop_work_carry_no_code(kind):
    role = MemberRole.PARTICIPANT if kind is CaseKind.WORKSHOP else MemberRole.CONSULTEE
    people = [member(1, role), member(2, role)]
    suggestion = suggest_codes(
        kind=kind,
        service_code=None,
        minutes=60,
        expected=people,
        attended_ids={m.person_id for m in people},
    )
    assert suggestion.lines == ()
    assert "carries no billing code" in suggestion.reason


@pytest.mark.parametrize("kind", list(CaseKind))
def test_the_policy_table_gives_billing_codes_to_psychotherapy_kinds_only(kind):
    """One rule, read by the suggestion, the appointment and the views."""
    kind_policy = policy(kind)
    psychotherapy = kind_policy.service_line is ServiceLine.PSYCHOTHERAPY
    assert kind_policy.allows(RecordType.BILLING_CODE) is psychotherapy
    assert line_allows(kind_policy.service_line, RecordType.BILLING_CODE) is psychotherapy
    if not psychotherapy:
        with pytest.raises(RecordNotAllowed, match="cannot have a billing code"):
            kind_policy.require(RecordType.BILLING_CODE)


def test_units_are_the_domains_rule():
    assert CodeLine("90840", units=20).units == 20
    for units in (0, 21, 99):
        with pytest.raises(InvalidInput, match="1 to 20") as e:
            CodeLine("90840", units=units)
        assert e.value.field == "units"


def test_only_psychotherapy_services_carry_a_known_code():
    fee = Money(20000, "USD")
    with pytest.raises(InvalidInput, match="no billing code"):
        Service(UUID(int=1), "Consultation", ServiceLine.CONSULTATION, 60, fee, "90834")
    with pytest.raises(InvalidInput, match="not a code Hearth knows"):
        Service(UUID(int=1), "Therapy", ServiceLine.PSYCHOTHERAPY, 60, fee, "99213")
    with pytest.raises(InvalidInput, match="not a code"):
        CodeLine("12345")
    assert (
        Service(UUID(int=1), "Therapy", ServiceLine.PSYCHOTHERAPY, 50, fee, " 90834 ").billing_code
        == "90834"
    )


def test_one_partner_alone_is_a_question_not_a_guess():
    a, b = member(1, MemberRole.PARTNER), member(2, MemberRole.PARTNER)
    suggestion = suggest_codes(
        kind=CaseKind.COUPLE,
        service_code="90847",
        minutes=50,
        expected=[a, b],
        attended_ids={b.person_id},
    )
    assert suggestion.asks and suggestion.lines == ()
    assert [(o.kind, [(c.code, c.person_id) for c in o.lines]) for o in suggestion.options] == [
        (OptionKind.WITHOUT_CLIENT, [("90846", a.person_id)]),  # a, absent, as identified client
        (OptionKind.INDIVIDUAL, [("90834", b.person_id)]),  # or b's own session by length
    ]
    # Naming the one who came as identified client puts the individual code first.
    named = suggest_codes(
        kind=CaseKind.COUPLE,
        service_code="90847",
        minutes=50,
        expected=[a, b],
        attended_ids={b.person_id},
        identified_client=b.person_id,
    )
    assert [o.kind for o in named.options] == [OptionKind.INDIVIDUAL, OptionKind.WITHOUT_CLIENT]
    # Both present stays 90847 whoever is named.
    assert codes(CaseKind.COUPLE, 50, [a, b], [a, b], named=a) == [("90847", 1)]


def test_a_family_codes_by_the_identified_client_it_names():
    mother, father, son = (member(n, MemberRole.FAMILY_MEMBER) for n in (1, 2, 3))
    family = [mother, father, son]
    assert codes(CaseKind.FAMILY, 50, family, [mother, son], named=son) == [("90847", 1)]
    assert codes(CaseKind.FAMILY, 50, family, [mother, father], named=son) == [("90846", 1)]
    # Named over roles: the teen has the role, the family names the mother.
    teen = member(4, MemberRole.IDENTIFIED_CLIENT)
    assert codes(CaseKind.FAMILY, 50, [mother, teen], [teen], named=mother) == [("90846", 1)]
    # Nobody named, nobody by role: Hearth asks 90847 or 90846 instead of guessing.
    unnamed = suggest_codes(
        kind=CaseKind.FAMILY,
        service_code=None,
        minutes=50,
        expected=family,
        attended_ids={mother.person_id},
    )
    assert unnamed.lines == () and [o.lines[0].code for o in unnamed.options] == [
        "90847",
        "90846",
    ]
    assert "names no identified client" in unnamed.reason
