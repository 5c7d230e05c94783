"""What a signed-in request costs before its handler runs, over HTTP on SQLite and PostgreSQL:
at most two statements (the session; the staff member with their password generation and the
staff directory's version), and a GET writes nothing. The staff directory is cached per process
and a change made by another process shows on the next request."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from litestar import get
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncEngine

import bootstrap
from adapters.system.clock import FixedClock
from adapters.system.passwords import Argon2PasswordHasher
from adapters.web.auth import staff_only
from adapters.web.kit.params import ActorParam
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.services import directory
from core.services.directory import auth
from tests.support.practice import START
from tests.web.conftest import PASSWORD, Browser

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
STAFF = 30


@get("/probe", guards=[staff_only], sync_to_thread=False)
def probe(actor: ActorParam) -> str:
    """A signed-in page that asks nothing of the database: all it costs is overhead."""
    return actor.name


class Statements:
    """The statements an engine sends (transaction control left out) while `counting`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sent: list[str] = []
        self._engine = engine

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.sent.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.sent = []
        sa.event.listen(self._engine.sync_engine, "before_cursor_execute", self._count)
        try:
            yield self.sent
        finally:
            sa.event.remove(self._engine.sync_engine, "before_cursor_execute", self._count)


def writes(sent: list[str]) -> list[str]:
    return [s for s in sent if s.lstrip().upper().startswith(WRITES)]


def _container(url: str, clock: FixedClock) -> bootstrap.Container:
    container = bootstrap.make_container(bootstrap.Settings(database_url=url))
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    container.clock.override(providers.Object(clock))
    return container


async def _seed(container: bootstrap.Container) -> None:
    deps, hasher = container.deps(), container.password_hasher()
    owner_in = await directory.create_first_owner(deps, hasher, "Ana", "ana@x.org", PASSWORD)
    owner = await directory.load_actor(deps, owner_in.staff_id)
    for i in range(STAFF):
        staff_id = await directory.add_staff(
            deps,
            owner,
            directory.AddStaff(
                name=f"Clinician {i:02d}",
                email=f"c{i}@x.org",
                roles=frozenset({StaffRole.CLINICIAN}),
            ),
        )
        if i == 0:
            await auth.set_password(deps, hasher, None, staff_id, PASSWORD)
    await bootstrap.close_database(container)  # its connections belong to this event loop


@pytest.fixture
def url(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_signed_in_request_costs_two_statements_and_a_get_writes_nothing(url: str):
    clock = FixedClock(START)
    container = _container(url, clock)
    asyncio.run(_seed(container))
    app = bootstrap.create_app(container)
    app.register(probe)
    statements = Statements(container.engine())
    with TestClient(app) as client:
        browser = Browser(client)
        assert browser.sign_in("ana@x.org").status_code == 303
        assert browser.get("/cases").status_code == 200  # the staff directory is cached now

        with statements.counting() as sent:
            assert browser.get("/probe").text == "Ana"
        assert len(sent) <= 2, sent
        assert not writes(sent)

        with statements.counting() as sent:
            assert browser.get("/cases").status_code == 200
            assert browser.get("/staff").status_code == 200
        assert not writes(sent)
        assert not [s for s in sent if "staff_roles" in s and "UNION" not in s], (
            "the staff directory was loaded again"
        )

        # A minute later the last-seen time moves: the session is stored once, and the expiry
        # it pushes back keeps the session alive past the first idle timeout.
        clock.advance(timedelta(seconds=61))
        with statements.counting() as sent:
            assert browser.get("/probe").status_code == 200
        assert len(writes(sent)) == 1 and "sessions" in writes(sent)[0], sent
        for _ in range(3):
            clock.advance(timedelta(minutes=20))
            assert browser.get("/probe").status_code == 200
        clock.advance(timedelta(minutes=31))
        assert browser.get("/probe").status_code in (302, 303)  # the idle timeout still holds


def test_a_staff_change_in_another_process_shows_on_the_next_request(url: str):
    clock = FixedClock(START)
    first, second = _container(url, clock), _container(url, clock)
    asyncio.run(_seed(first))

    async def rename(old: str, new: str) -> None:
        deps, owner = second.deps(), await _owner(second)
        member = next(m for m in await directory.list_staff(deps, owner) if m.name == old)
        await directory.update_staff(
            deps,
            owner,
            directory.UpdateStaff(
                staff_id=member.id,
                name=new,
                email=member.email,
                roles=member.roles,
                version=member.version,
            ),
        )
        await bootstrap.close_database(second)

    app = bootstrap.create_app(first)
    with TestClient(app) as client:
        browser = Browser(client)
        assert browser.sign_in("ana@x.org").status_code == 303
        assert "Clinician 07" in browser.get("/staff").text
        assert "Clinician 07" in browser.get("/staff").text  # from the cache
        asyncio.run(rename("Clinician 07", "Dr. Renamed"))
        page = browser.get("/staff").text
        assert "Dr. Renamed" in page and "Clinician 07" not in page
        # Deactivation elsewhere ends that staff member's session on their next request.
        other = Browser(TestClient(app))
        other.client.blocking_portal = client.blocking_portal
        assert other.sign_in("c0@x.org").status_code == 303
        assert other.get("/cases").status_code == 200
        asyncio.run(_deactivate(second, "c0@x.org"))
        assert other.get("/cases").status_code in (302, 303)


async def _owner(container: bootstrap.Container) -> StaffActor:
    async with container.deps().uow() as uow:
        owner = await uow.staff.by_email("ana@x.org")
    assert owner is not None
    return await directory.load_actor(container.deps(), owner.id)


async def _deactivate(container: bootstrap.Container, email: str) -> None:
    deps = container.deps()
    async with deps.uow() as uow:
        member = await uow.staff.by_email(email)
    assert member is not None
    await directory.update_staff(
        deps,
        await _owner(container),
        directory.UpdateStaff(
            staff_id=member.id,
            name=member.name,
            email=member.email,
            roles=member.roles,
            version=member.version,
            active=False,
        ),
    )
    await bootstrap.close_database(container)
