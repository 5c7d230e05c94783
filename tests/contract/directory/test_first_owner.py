"""The practice cannot lock itself out, on every adapter: the first owner comes with their
password in one unit of work, two setups at once make one owner, and nobody deactivates
themselves or the last active owner."""

from __future__ import annotations

import asyncio

import pytest

from adapters.system.passwords import Argon2PasswordHasher
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden, InvalidInput
from core.ports import UnitOfWorkFactory
from core.services import directory
from core.services.directory import auth
from tests.support.practice import Practice

HASHER = Argon2PasswordHasher.fast()
PASSWORD = "a long enough password"


async def test_two_setups_at_once_make_one_owner_who_can_sign_in(uow: UnitOfWorkFactory):
    practice = Practice(uow)
    setups = [
        directory.create_first_owner(
            practice.deps, HASHER, f"Owner {n}", f"owner{n}@x.org", PASSWORD
        )
        for n in range(6)
    ]
    results = await asyncio.gather(*setups, return_exceptions=True)
    made = [r for r in results if isinstance(r, auth.SignedIn)]
    assert len(made) == 1, results
    assert all(isinstance(r, Forbidden) for r in results if r not in made)
    async with uow() as u:
        assert await u.staff.count() == 1
        (owner,) = await u.staff.list_all()
    assert owner.id == made[0].staff_id
    assert await auth.sign_in(practice.deps, HASHER, owner.email, PASSWORD) == owner.id


async def test_a_refused_password_leaves_no_owner_behind(uow: UnitOfWorkFactory):
    practice = Practice(uow)
    with pytest.raises(InvalidInput) as short:
        await directory.create_first_owner(practice.deps, HASHER, "Ana", "ana@x.org", "short")
    assert short.value.field == "password"
    async with uow() as u:
        assert await u.staff.count() == 0


def _update(member, **changes) -> directory.UpdateStaff:
    fields = {
        "staff_id": member.id,
        "version": member.version,
        "name": member.name,
        "email": member.email,
        "roles": member.roles,
        "licensure": member.licensure,
        "active": member.active,
        **changes,
    }
    return directory.UpdateStaff(**fields)


async def test_nobody_deactivates_themselves_or_the_last_active_owner(practice: Practice):
    owner = practice.owner
    async with practice.deps.uow() as u:
        me = await u.staff.get(owner.id)
    assert me is not None
    with pytest.raises(InvalidInput) as myself:
        await directory.update_staff(practice.deps, owner, _update(me, active=False))
    assert myself.value.field == "active"

    # Two owners each remove the other's owner role, the second acting on a page loaded
    # before the first change: the practice keeps one owner.
    other = await practice.staff("Dr. Second", StaffRole.OWNER, StaffRole.CLINICIAN)
    async with practice.deps.uow() as u:
        second = await u.staff.get(other.id)
    assert second is not None
    clinician = frozenset({StaffRole.CLINICIAN})
    await directory.update_staff(practice.deps, owner, _update(second, roles=clinician))
    async with practice.deps.uow() as u:
        me = await u.staff.get(owner.id)
    assert me is not None
    with pytest.raises(InvalidInput) as last:
        await directory.update_staff(practice.deps, other, _update(me, roles=clinician))
    assert last.value.field == "roles" and "active owner" in last.value.message
    with pytest.raises(InvalidInput) as inactive:
        await directory.update_staff(practice.deps, other, _update(me, active=False))
    assert inactive.value.field == "active"
