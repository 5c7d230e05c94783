"""The "needs attention" screen: sections of rows that any context can contribute.

A context provides an `AttentionProvider`: given the deps and a staff member, it returns the
titled sections that concern them (sessions without a signed note, notes awaiting co-signature,
plans due for review, declined autopays, undelivered messages...), each from one query of its
own. `bootstrap.py` registers the providers in an `AttentionBoard`, which the web tier shows as
one page and, in the header, as one count. A row links to what it is about by a `target` kind
and id ("appointment", "note", "case"...), which the web tier turns into a URL: the core knows
no URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from core.domain.cases.access import StaffActor
from core.services.shared.use_case import View


class AttentionRow(View, frozen=True, kw_only=True):
    label: str  # what it is about: a case's name, a clinician's name
    detail: str  # what is due: "held 5 days ago", "returned: add the safety plan"
    target: str  # the kind of thing the row opens ("note", "appointment", "case"...)
    target_id: UUID | None = None
    at: datetime | None = None


class AttentionSection(View, frozen=True, kw_only=True):
    key: str  # stable, for tests and anchors: "notes.unsigned"
    title: str
    rows: list[AttentionRow]
    total: int  # rows may be the first of more
    counts: bool = True  # whether it adds to the header's count (the owner's totals do not)


class AttentionProvider(Protocol):
    """`counting`: only the header's count is wanted, so a provider may skip the sections that
    do not count (the owner's practice-wide totals: the one slow list, run for the page only)."""

    async def __call__(
        self, deps: Any, actor: StaffActor, *, counting: bool = False
    ) -> list[AttentionSection]: ...


class AttentionBoard:
    """The providers of every context, in the order the screen shows them.

    The header's count is asked after every page a staff member opens, and cost more than a
    light page (a query per section). Given `changes` (how many units of work this process has
    committed), it is kept per staff member (as their access stands) for `fresh`, unless a
    change was committed since: a change shows at once on the process that committed it, on
    the others within `fresh` (each process keeps its own)."""

    def __init__(
        self,
        providers: Sequence[AttentionProvider] = (),
        changes: Callable[[], int] | None = None,
        fresh: timedelta = timedelta(seconds=30),
    ) -> None:
        self.providers = list(providers)
        self.changes = changes
        self.fresh = fresh
        self._counts: dict[tuple[object, ...], tuple[int, datetime, int]] = {}

    def register(self, provider: AttentionProvider) -> None:
        self.providers.append(provider)

    async def sections(
        self, deps: Any, actor: StaffActor, *, counting: bool = False
    ) -> list[AttentionSection]:
        found: list[AttentionSection] = []
        for provider in self.providers:
            found += [s for s in await provider(deps, actor, counting=counting) if s.rows]
        return found

    async def count(self, deps: Any, actor: StaffActor) -> int:
        if self.changes is None:
            return await self._count(deps, actor)
        key = (actor.id, actor.roles, actor.supports, actor.supervisees, actor.owner_sees_clinical)
        # Read before counting: a change committed meanwhile leaves this entry under the older
        # number, so the next request counts again.
        now, changes = deps.clock.now(), self.changes()
        kept = self._counts.get(key)
        if kept is not None and kept[2] == changes and timedelta(0) <= now - kept[1] < self.fresh:
            return kept[0]
        total = await self._count(deps, actor)
        if len(self._counts) > 10_000:  # staff members seen by this process: bounded anyway
            self._counts.clear()
        self._counts[key] = (total, now, changes)
        return total

    async def _count(self, deps: Any, actor: StaffActor) -> int:
        sections = await self.sections(deps, actor, counting=True)
        return sum(s.total for s in sections if s.counts)
