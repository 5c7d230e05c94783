"""Many requests changing one case at the same moment: the invariant holds, the losers hear
about a conflict (a domain error the web shows as a message, never a 500)."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.errors import CaseFull, ConcurrencyConflict, InvariantViolation
from core.services import cases
from tests.support.practice import Practice

ATTEMPTS = 8


async def test_only_one_of_many_concurrent_partners_joins_a_couple(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya = await practice.person("Maya Rivera")
    candidates = [await practice.person(f"Partner {i} Example") for i in range(ATTEMPTS)]
    case_id = await practice.open(lee, CaseKind.COUPLE, maya)
    results = await asyncio.gather(
        *(
            cases.add_member(practice.deps, lee, cases.AddMember(case_id=case_id, person_id=p))
            for p in candidates
        ),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(results) - len(failures) == 1, results
    for failure in failures:
        assert isinstance(failure, ConcurrencyConflict | CaseFull), repr(failure)
    case = await cases.get_case(practice.deps, lee, case_id)
    assert len(case.members_on(practice.clock.today())) == 2
    assert case.version == 1


async def test_two_payers_added_at_once_never_exceed_the_whole_fee(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya, sam = await practice.person("Maya Rivera"), await practice.person("Sam Chen")
    case_id = await practice.open(lee, CaseKind.COUPLE, maya, sam)
    results = await asyncio.gather(
        *(
            cases.add_billing_responsibility(
                practice.deps,
                lee,
                cases.AddBillingResponsibility(
                    case_id=case_id,
                    payer=cases.Payer(kind=PayerKind.PERSON, id=payer, share_percent=60),
                ),
            )
            for payer in (maya, sam)
        ),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], ConcurrencyConflict | InvariantViolation), repr(failures[0])
    case = await cases.get_case(practice.deps, lee, case_id)
    assert sum(b.share for b in case.payers_on(practice.clock.today())) == 60


@pytest.mark.parametrize("rounds", [3])
async def test_concurrent_renames_each_either_win_or_conflict(practice: Practice, rounds: int):
    lee = await practice.staff("Dr. Lee")
    maya = await practice.person("Maya Rivera")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, maya)
    won = 0
    for r in range(rounds):
        results = await asyncio.gather(
            *(
                cases.rename_case(
                    practice.deps, lee, cases.RenameCase(case_id=case_id, name=f"Name {r}.{i}")
                )
                for i in range(4)
            ),
            return_exceptions=True,
        )
        assert all(
            not isinstance(x, BaseException) or isinstance(x, ConcurrencyConflict) for x in results
        ), results
        won += sum(not isinstance(x, BaseException) for x in results)
    case = await cases.get_case(practice.deps, lee, case_id)
    assert case.version == won  # every success is one version, no lost update
