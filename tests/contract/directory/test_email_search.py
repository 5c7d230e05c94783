"""The directory search is no email oracle (issue 14, finding 5): an email finds a person only
as a whole address, and only among the people the searcher may see; a part of an address, and
so an address rebuilt one character at a time, finds nobody. Memory, SQLite and PostgreSQL."""

from __future__ import annotations

from core.domain.cases.kinds import CaseKind
from core.services import directory
from tests.support.practice import Practice

ADDRESS = "vantablack.moth@private.example"


async def _found(practice: Practice, actor, text: str) -> set:
    return {c.id for c in await directory.find_people(practice.deps, actor, text)}


async def test_a_clinician_does_not_find_by_full_email_a_person_she_may_not_see(
    practice: Practice,
):
    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    hidden = await practice.person("Zora Quill", email=ADDRESS)
    partner = await practice.person("Yann Quill")
    await practice.open(kim, CaseKind.COUPLE, hidden, partner)
    assert await _found(practice, lee, ADDRESS) == set()
    assert await _found(practice, lee, ADDRESS.upper()) == set()
    # Those who may see her find her by the whole address, in any case and with spaces.
    assert await _found(practice, kim, f"  {ADDRESS.upper()} ") == {hidden}
    assert await _found(practice, practice.owner, ADDRESS) == {hidden}


async def test_nobody_finds_anyone_by_a_part_of_an_email(practice: Practice):
    kim = await practice.staff("Dr. Kim")
    target = await practice.person("Zora Quill", email=ADDRESS)
    await practice.open(kim, CaseKind.INDIVIDUAL, target)
    for actor in (kim, practice.owner):
        for part in ("vantablack", "vantablack.moth@", "@private.example", "private.example"):
            assert target not in await _found(practice, actor, part), part
        assert await _found(practice, actor, ADDRESS + "x") == set()
        assert await _found(practice, actor, "x" + ADDRESS) == set()


async def test_an_address_rebuilt_one_character_at_a_time_finds_nothing(practice: Practice):
    """The 145-search attack of the report: grow a prefix of the address while the target is
    still found. No prefix finds her (no "v" in her name), so the attack never starts."""
    target = await practice.person("Zora Quill", email=ADDRESS)
    for end in range(1, len(ADDRESS)):
        assert target not in await _found(practice, practice.owner, ADDRESS[:end]), end
    prefix = "v"  # the address's first character, as if guessed
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.@_-"
    while len(prefix) < len(ADDRESS):
        grown = [
            c for c in alphabet if target in await _found(practice, practice.owner, prefix + c)
        ]
        if not grown:
            break
        prefix += grown[0]
    assert prefix == "v"
    assert await _found(practice, practice.owner, ADDRESS) == {target}  # whole: found
