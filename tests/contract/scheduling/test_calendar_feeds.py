"""Calendar feeds on every store: one per clinician, found by the hash of its secret, replaced
by a new secret, gone once revoked; and the feed's read model names no client by default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.feeds import CalendarFeed
from core.domain.shared.errors import NotFound
from core.domain.shared.secrets import hash_secret
from core.services.scheduling import feeds
from core.services.scheduling.booking import Repeat
from tests.support.scheduling_practice import Clinic, at
from tests.support.stores import commit_without_handlers


async def test_feed_rows_round_trip_and_replace(practice, uow) -> None:
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN)
    first = CalendarFeed(lee.id, "a" * 64, False, datetime(2026, 1, 5, tzinfo=UTC))
    async with uow() as u:
        await u.feeds.save(first)
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.feeds.by_token_hash("a" * 64) == first
        assert await u.feeds.for_staff(lee.id) == first
        await u.feeds.save(CalendarFeed(lee.id, "b" * 64, True, first.created_at))
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.feeds.by_token_hash("a" * 64) is None
        assert (await u.feeds.for_staff(lee.id)).include_names is True
        await u.feeds.delete(lee.id)
        await u.rollback()
    async with uow() as u:
        assert await u.feeds.for_staff(lee.id) is not None  # rolled back
        await u.feeds.delete(lee.id)
        await commit_without_handlers(u)
    async with uow() as u:
        assert await u.feeds.for_staff(lee.id) is None
        assert await u.feeds.by_token_hash("b" * 64) is None


async def test_feed_read_model_is_pseudonymous_and_revocable(uow) -> None:
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee", StaffRole.CLINICIAN)
    maya, sam = await clinic.person("Maya Rivera"), await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    await clinic.book(lee, couple, at(1, 6, 10))
    secret = await feeds.create_feed(clinic.deps, lee, feeds.CreateFeed())
    async with uow() as u:
        stored = await u.feeds.for_staff(lee.id)
    assert stored.token_hash == hash_secret(secret) and secret not in stored.token_hash
    view = await feeds.feed_by_secret(clinic.deps, secret)
    assert [e.title for e in view.events] == ["Couple session (C.C.)"]
    assert "Maya" not in repr(view) and "Sam" not in repr(view)
    await feeds.revoke_feed(clinic.deps, lee)
    with pytest.raises(NotFound):
        await feeds.feed_by_secret(clinic.deps, secret)
    with pytest.raises(NotFound):
        await feeds.feed_by_secret(clinic.deps, "../../etc/passwd")


async def test_feed_statements_do_not_grow_with_sessions_or_cases(engine, uow) -> None:
    if engine is None:
        pytest.skip("statements are counted on the SQL stores")
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee", StaffRole.CLINICIAN)
    people = [await clinic.person(f"Client {n}") for n in range(4)]
    cases = [await clinic.case(CaseKind.INDIVIDUAL, lee, (p, None)) for p in people]
    secret = await feeds.create_feed(clinic.deps, lee, feeds.CreateFeed())
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    async def statements() -> int:
        sent.clear()
        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            await feeds.feed_by_secret(clinic.deps, secret)
        finally:
            sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
        return len(sent)

    await clinic.book(lee, cases[0], at(1, 6, 9))
    one = await statements()
    for n, case in enumerate(cases):
        await clinic.book(lee, case, at(1, 7, 9 + n), repeat=Repeat(count=5))
    assert await statements() == one
    assert one <= 20
