"""The header's attention count is kept per staff member for a short while, and counted again
as soon as this process commits a change (tests/web/documentation has the screens)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.persistence.commits import committed
from adapters.persistence.memory.store import MemoryStore
from adapters.persistence.memory.unit_of_work import MemoryUnitOfWork
from adapters.system.clock import FixedClock
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.audit import Origin
from core.domain.shared.values import StaffId
from core.services.shared.attention import AttentionBoard, AttentionRow, AttentionSection


@dataclass
class Counted:
    """A provider whose section holds `due` rows, counting how often it was asked."""

    due: int = 2
    asked: list[StaffId] = field(default_factory=list)

    async def __call__(self, deps: Any, actor: StaffActor, *, counting: bool = False):
        self.asked.append(actor.id)
        row = AttentionRow(label="a case", detail="held", target="appointment")
        return [AttentionSection(key="k", title="t", rows=[row], total=self.due)]


@dataclass
class Deps:
    clock: FixedClock


def _actor(**kw: Any) -> StaffActor:
    return StaffActor(
        id=StaffId(uuid.uuid4()),
        name="Dr. Lee",
        roles=frozenset(kw.pop("roles", [StaffRole.CLINICIAN])),
        **kw,
    )


async def test_the_count_is_kept_until_a_change_or_for_half_a_minute():
    provider, deps = Counted(), Deps(FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    # Its own count of changes: the process-wide one moves with any commit in this process.
    changes = [0]
    board, lee, kim = AttentionBoard([provider], lambda: changes[0]), _actor(), _actor()
    assert await board.count(deps, lee) == 2
    provider.due = 3
    assert await board.count(deps, lee) == 2  # kept
    elsewhere = Origin(route="/cases", client_address="10.0.0.9")
    assert await board.count(deps, replace(lee, origin=elsewhere)) == 2  # the same access
    assert await board.count(deps, kim) == 3  # each staff member's own
    # Another role is other access: counted afresh.
    assert await board.count(deps, replace(lee, roles=frozenset(StaffRole))) == 3
    deps.clock.advance(timedelta(seconds=29))
    assert await board.count(deps, lee) == 2
    deps.clock.advance(timedelta(seconds=1))
    assert await board.count(deps, lee) == 3  # half a minute: counted again
    provider.due = 4
    changes[0] += 1  # a change committed in this process
    assert await board.count(deps, lee) == 4
    assert await board.count(deps, kim) == 4
    assert provider.asked.count(lee.id) == 4
    # Without a count of changes nothing is kept.
    assert await AttentionBoard([provider]).count(deps, lee) == 4
    assert provider.asked.count(lee.id) == 5


async def test_a_commit_moves_the_count_of_changes():
    before = committed()
    async with MemoryUnitOfWork(MemoryStore()) as uow:
        await uow.commit()
    assert committed() == before + 1
