"""The practice's details: the owner's to change (its name and timezone are on every screen and
message, and the timezone decides what "today" and "Tuesday 18:00" mean for everyone), and
read by every request through `PracticeCache`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from core.domain.cases.access import Actor, may_manage_staff
from core.domain.directory.practice import Practice, check_timezone
from core.domain.shared.errors import ConcurrencyConflict, Forbidden
from core.ports import UnitOfWorkFactory
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps


class PracticeCache:
    """The practice's details as this process last read them, so that a request does not read
    the row each time: checked against the store at most every `recheck_seconds` (a change
    made in another process shows after that), replaced at once by a change made in this one.
    Before the owner first saves the details, a practice with the configured timezone."""

    def __init__(
        self,
        default_timezone: str,
        *,
        recheck_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default_timezone = check_timezone(default_timezone)
        self._recheck = recheck_seconds
        self._monotonic = monotonic
        self._practice: Practice | None = None
        self._checked_at = -math.inf

    def default(self) -> Practice:
        return Practice.new(self.default_timezone)

    async def current(self, uow: UnitOfWorkFactory) -> Practice:
        now = self._monotonic()
        if self._practice is not None and now - self._checked_at < self._recheck:
            return self._practice
        async with uow() as store:
            stored = await store.practice.get()
        # What the store says wins, whatever this process held (the version tells a change).
        self._practice, self._checked_at = stored or self.default(), now
        return self._practice

    async def timezone(self, uow: UnitOfWorkFactory) -> str:
        return (await self.current(uow)).timezone

    def saved(self, practice: Practice) -> None:
        """This process changed the details: every request after this one sees them."""
        self._practice, self._checked_at = practice, self._monotonic()


class ChangePractice(Command, frozen=True, kw_only=True):
    version: int
    name: str
    address: str = ""
    phone: str | None = None
    timezone: str
    currency: str = "USD"
    tax_id: str = ""


def _require_owner(actor: Actor) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes the practice's details.")


async def practice_settings(deps: Deps, actor: Actor, cache: PracticeCache) -> Practice:
    """The details as stored now (not the cache: the form must show the latest version)."""
    _require_owner(actor)
    async with deps.uow() as uow:
        return await uow.practice.get() or cache.default()


async def change_practice(
    deps: Deps, actor: Actor, cache: PracticeCache, cmd: ChangePractice
) -> Practice:
    _require_owner(actor)
    async with deps.uow() as uow:
        practice = await uow.practice.get() or cache.default()
        if practice.version != cmd.version:
            raise ConcurrencyConflict("The practice's details")
        practice.change(
            name=cmd.name,
            address=cmd.address,
            phone=cmd.phone,
            timezone=cmd.timezone,
            currency=cmd.currency,
            tax_id=cmd.tax_id,
        )
        await uow.practice.save(practice)
        await commit(deps, uow, actor)
    cache.saved(practice)
    return practice
