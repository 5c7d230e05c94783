"""Two owners adding staff with one email at the same moment: one is added, the other hears
that the email is taken, next to the field (the unique key decides, the message is ours)."""

from __future__ import annotations

import asyncio

from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import InvalidInput
from core.services import directory
from tests.support.practice import Practice


async def test_concurrent_staff_with_one_email_make_one_and_a_field_error(practice: Practice):
    def add(n: int):
        return directory.add_staff(
            practice.deps,
            practice.owner,
            directory.AddStaff(
                name=f"Dr. Same {n}",
                email="same@hearth.test",
                roles=frozenset({StaffRole.CLINICIAN}),
            ),
        )

    results = await asyncio.gather(*(add(n) for n in range(8)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 7, results
    assert all(isinstance(r, InvalidInput) and r.field == "email" for r in refused), refused
