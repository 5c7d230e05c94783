"""What a signed-in request loads about its staff member, on every adapter: who they are, whom
they supervise, their password generation and the directory's version, which moves with every
staff change; and the staff list, cached per process on the SQL adapters, never older than it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.passwords import Argon2PasswordHasher
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.directory import auth
from tests.support.practice import Practice

PASSWORD = "a long enough password"


async def _record(practice: Practice, staff_id: StaffId):
    async with practice.deps.uow() as uow:
        return await uow.staff.signed_in(staff_id)


def _change(practice: Practice, member, **changes) -> directory.UpdateStaff:
    fields = dict(
        staff_id=member.id,
        name=member.name,
        email=member.email,
        roles=member.roles,
        licensure=member.licensure,
        supervisor_id=member.supervisor_id,
        supports=member.supports,
        version=member.version,
        active=member.active,
    )
    return directory.UpdateStaff(**{**fields, **changes})


async def test_the_signed_in_record_holds_roles_supports_supervisees_and_generation(
    practice: Practice,
):
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    ash = await practice.staff("Ash Associate", associate=True, supervisor=lee)
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    record = await _record(practice, lee.id)
    assert record is not None
    assert record.staff.name == "Dr. Lee" and record.staff.active
    assert record.staff.roles == {StaffRole.CLINICIAN, StaffRole.SUPERVISOR}
    assert record.supervisees == {ash.id}
    assert record.generation is None  # no password yet
    assert (await _record(practice, ash.id)).staff.supervisor_id == lee.id
    assert (await _record(practice, pat.id)).staff.supports == {lee.id}
    assert await _record(practice, StaffId(uuid.uuid4())) is None

    hasher = Argon2PasswordHasher.fast()
    first = await auth.set_password(practice.deps, hasher, None, lee.id, PASSWORD)
    assert (await _record(practice, lee.id)).generation == first
    actor = await auth.signed_in_actor(practice.deps, lee.id, first)
    assert actor is not None and actor.supervisees == {ash.id}
    await auth.set_password(practice.deps, hasher, None, lee.id, "another long password")
    assert await auth.signed_in_actor(practice.deps, lee.id, first) is None  # password changed
    assert await auth.signed_in_actor(practice.deps, lee.id, None) is None


async def test_the_directory_version_moves_with_every_staff_change(practice: Practice):
    owner = practice.owner
    before = (await _record(practice, owner.id)).directory_version
    kim = await practice.staff("Dr. Kim")
    added = (await _record(practice, owner.id)).directory_version
    assert added > before
    member = (await _record(practice, kim.id)).staff
    await directory.update_staff(practice.deps, owner, _change(practice, member, name="Dr. Kim B"))
    renamed = await _record(practice, owner.id)
    assert renamed.directory_version > added
    member = (await _record(practice, kim.id)).staff
    await directory.update_staff(practice.deps, owner, _change(practice, member, active=False))
    assert (await _record(practice, owner.id)).directory_version > renamed.directory_version
    assert await auth.signed_in_actor(practice.deps, kim.id, None) is None  # deactivated


async def test_the_staff_list_shows_a_change_at_once_in_the_same_process(practice: Practice):
    kim = await practice.staff("Dr. Kim")
    assert "Dr. Kim" in [s.name for s in await directory.list_staff(practice.deps, practice.owner)]
    member = (await _record(practice, kim.id)).staff
    await directory.update_staff(
        practice.deps, practice.owner, _change(practice, member, name="Dr. Kim B")
    )
    names = [s.name for s in await directory.list_staff(practice.deps, practice.owner)]
    assert "Dr. Kim B" in names and "Dr. Kim" not in names
    async with practice.deps.uow() as uow:  # a change and a list in one unit of work
        member = await uow.staff.get(kim.id)
        assert member is not None
        member.name = "Dr. Kim C"
        await uow.staff.update(member)
        assert "Dr. Kim C" in [s.name for s in await uow.staff.list_all()]


async def test_a_change_through_another_engine_shows_on_the_next_request(
    adapter: str, engine: AsyncEngine | None, practice: Practice
):
    """Two engines on one database stand for two processes: each has its own cache."""
    if engine is None:
        pytest.skip("the in-memory practice lives in one process")
    kim = await practice.staff("Dr. Kim")
    other = create_engine(engine.url.render_as_string(hide_password=False))
    elsewhere = Practice(sql_uow_factory(other), clock=practice.clock)
    elsewhere.owner = practice.owner
    try:

        async def request(who: StaffId) -> list[str]:
            """A request of the first process: its staff member, then the staff list."""
            assert await auth.signed_in_actor(practice.deps, who, None) is None  # no password
            return [s.name for s in await directory.list_staff(practice.deps, practice.owner)]

        assert "Dr. Kim" in await asyncio.create_task(request(practice.owner.id))
        async with elsewhere.deps.uow() as uow:
            member = await uow.staff.get(kim.id)
        await directory.update_staff(
            elsewhere.deps, practice.owner, _change(elsewhere, member, name="Dr. Kim Elsewhere")
        )
        assert "Dr. Kim Elsewhere" in await asyncio.create_task(request(practice.owner.id))
        # Outside a request (a script, the command line) the list asks for the version itself.
        async with elsewhere.deps.uow() as uow:
            member = await uow.staff.get(kim.id)
        await directory.update_staff(
            elsewhere.deps, practice.owner, _change(elsewhere, member, name="Dr. Kim Again")
        )
        names = [s.name for s in await directory.list_staff(practice.deps, practice.owner)]
        assert "Dr. Kim Again" in names
    finally:
        await other.dispose()
