"""The service a booking form preselects: usual, else last booked, else the best fit of the
kind; never another kind of work, never a retired service."""

from __future__ import annotations

from uuid import UUID

import pytest

from core.domain.cases.kinds import CaseKind, ServiceLine
from core.domain.scheduling.defaults import preselected_service
from core.domain.scheduling.services import Service
from core.domain.shared.values import Money

P, C, W = ServiceLine.PSYCHOTHERAPY, ServiceLine.CONSULTATION, ServiceLine.WORKSHOP


def service(n: int, name: str, line: ServiceLine, code: str | None = None, active=True):
    return Service(UUID(int=n), name, line, 50, Money(100, "USD"), code, active)


# In the order the practice lists them (by name): the first is the trap of issue 10.
DEMO = [
    service(1, "Consultation group 90", C),
    service(2, "Consultation 60", C),
    service(3, "Couple psychotherapy 50", P, "90847"),
    service(4, "DBT skills group 90", P, "90853"),
    service(5, "Family psychotherapy 50", P, "90847"),
    service(6, "Individual psychotherapy 53", P, "90837"),
    service(7, "Parenting workshop 120", W),
]


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (CaseKind.INDIVIDUAL, "Individual psychotherapy 53"),
        (CaseKind.COUPLE, "Couple psychotherapy 50"),
        (CaseKind.FAMILY, "Family psychotherapy 50"),
        (CaseKind.GROUP, "DBT skills group 90"),
        (CaseKind.CONSULTATION, "Consultation 60"),
        (CaseKind.CONSULTATION_GROUP, "Consultation group 90"),
        (CaseKind.WORKSHOP, "Parenting workshop 120"),
    ],
)
def test_without_a_usual_or_last_service_the_best_fit_of_the_kind(kind, name):
    chosen = preselected_service(DEMO, kind, usual=None, last_booked=None)
    assert chosen is not None and chosen.name == name


def test_the_usual_service_wins_then_the_last_booked():
    family, group = DEMO[4].id, DEMO[3].id
    assert preselected_service(DEMO, CaseKind.GROUP, usual=family, last_booked=None).id == family
    assert preselected_service(DEMO, CaseKind.FAMILY, usual=None, last_booked=group).id == group
    assert preselected_service(DEMO, CaseKind.FAMILY, usual=group, last_booked=None).id == group


def test_never_another_kind_of_work_nor_a_retired_service():
    consultation = DEMO[1].id
    # A usual or last service of another kind of work is passed over.
    chosen = preselected_service(
        DEMO, CaseKind.INDIVIDUAL, usual=consultation, last_booked=consultation
    )
    assert chosen is not None and chosen.service_line is P
    retired = [service(8, "Individual 50", P, "90834", active=False), *DEMO]
    chosen = preselected_service(retired, CaseKind.INDIVIDUAL, usual=UUID(int=8), last_booked=None)
    assert chosen is not None and chosen.name == "Individual psychotherapy 53"
    # A practice without workshop services preselects nothing rather than another kind.
    assert preselected_service(DEMO[:6], CaseKind.WORKSHOP, usual=None, last_booked=None) is None
