"""The People and Organizations screens open on the directory's first page by name, the same
on every adapter, with the same statements for a page of three as for a page of twelve."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.domain.directory.parties import StaffRole
from core.services import directory
from tests.support.practice import Practice


async def _statements(engine, call) -> tuple[object, int]:
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        result = await call()
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
    return result, len(sent)


async def test_people_are_listed_by_name_as_cards_a_page_at_a_time(practice: Practice, engine):
    admin = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR)
    for name in ("zoe Young", "Adam Kovacs", "Ben Carter"):
        await practice.person(name, email=f"{name.split()[0].lower()}@example.org")
    first = await directory.list_people(practice.deps, admin, limit=2)
    assert [p.display_name for p in first.items] == ["Adam Kovacs", "Ben Carter"]
    assert first.more is True
    assert isinstance(first.items[0], directory.PersonCard)  # a card, not the record
    assert first.items[1].email_hint == "b•••@example.org"
    everyone = await directory.list_people(practice.deps, admin, limit=50)
    assert [p.display_name for p in everyone.items] == ["Adam Kovacs", "Ben Carter", "zoe Young"]
    assert everyone.more is False
    if engine is None:
        return
    _, few = await _statements(engine, lambda: directory.list_people(practice.deps, admin, 50))
    for n in range(9):
        await practice.person(f"Client {n:02d}")
    listed, many = await _statements(
        engine, lambda: directory.list_people(practice.deps, admin, 50)
    )
    assert len(listed.items) == 12 and many == few


async def test_organizations_are_listed_by_name(practice: Practice):
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    for name in ("Northwind EAP", "acme Insurance", "Riverside Clinic"):
        await directory.register_organization(
            practice.deps, practice.owner, directory.RegisterOrganization(name=name)
        )
    first = await directory.list_organizations(practice.deps, lee, limit=2)
    assert [o.name for o in first.items] == ["acme Insurance", "Northwind EAP"]
    assert first.more is True
    assert (await directory.list_organizations(practice.deps, lee)).more is False


@pytest.mark.parametrize("limit", [0, -5, 1000])
async def test_a_listing_limit_is_kept_within_one_to_a_hundred(practice: Practice, limit: int):
    listing = await directory.list_people(practice.deps, practice.owner, limit=limit)
    assert listing.items == [] and listing.more is False
