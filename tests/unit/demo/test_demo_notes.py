"""The demo's notes: `make run` shows signed group notes with private sections, a draft, the
associate's note awaiting Dr. Lee and one returned to him, and sessions still without a note."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.cli import demo
from core.domain.documentation.notes import NoteStatus
from core.services.documentation.attention import note_sections
from tests.unit.demo.test_demo import Demo, load


@pytest.fixture(scope="module")
def d() -> Demo:
    return asyncio.run(load(datetime(2026, 11, 27, 9, 30, tzinfo=UTC)))


async def test_the_demo_has_notes_in_every_state(d: Demo):
    async with d.deps.uow() as uow:
        group = await uow.notes.for_case(d.practice.cases["group"])
        haddad = await uow.notes.for_case(d.practice.cases["associate_family"])
    assert [n.status for n in group] == [NoteStatus.SIGNED, NoteStatus.SIGNED, NoteStatus.DRAFT]
    first = group[0]
    assert sum(not p.absent for p in first.private) >= 5 and any(p.absent for p in first.private)
    assert first.addenda and first.verifies(first.signature)
    assert [n.status for n in haddad] == [NoteStatus.RETURNED, NoteStatus.AWAITING_COSIGNATURE]
    lee = await d.actor(f"lee@{demo.DEMO_DOMAIN}")
    riley = await d.actor(f"riley@{demo.DEMO_DOMAIN}")
    lees = {s.key: s for s in await note_sections(d.deps, lee)}
    assert lees["notes.awaiting"].total == 1 and lees["notes.unsigned"].total > 0
    rileys = {s.key: s for s in await note_sections(d.deps, riley)}
    assert rileys["notes.returned"].total == 1
