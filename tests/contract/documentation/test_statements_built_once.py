"""The header's attention count (after every page) sends statements built once: the same
statement object on every call, its values bound at execution (a provider's unsigned
sessions, drafts, returned and awaiting notes, plans due). What they find is tested in
test_note_attention.py and test_plans.py."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.unit_of_work import SqlUnitOfWork
from core.domain.shared.values import StaffId
from tests.support.statements import sent_by


async def test_the_attention_reads_send_one_statement_object_each(engine: AsyncEngine | None):
    if engine is None:
        pytest.skip("statements are built by the SQL stores")

    async def reads(n: int) -> None:
        who = StaffId(uuid.uuid4())
        at = datetime(2026, 3, n, tzinfo=UTC)
        async with SqlUnitOfWork(engine) as uow:
            a = uow.note_attention
            assert await a.without_signed_note(who, at, n) == []
            assert await a.drafts(who, at, n) == []
            assert await a.returned(who, n) == []
            assert await a.awaiting(who, n) == []
            assert await uow.plans.due_for_review(who, date(2026, 3, n)) == []

    first, second = await sent_by(engine, reads)
    assert len(first) == len(second) == 5
    assert [a is b for a, b in zip(first, second, strict=True)] == [True] * 5
