"""The web tier's seeded practice (tests/web/conftest.py) on a store of one's choice:
`web_world("memory" | "sqlite" | "postgres", request, tmp_path)` gives the app over it, the
world and a way to sign in. For the edge tests that must hold the same on every store
(PostgreSQL refuses what SQLite keeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

import bootstrap
from adapters.persistence.sql.engine import create_engine
from adapters.system.passwords import Argon2PasswordHasher
from tests.conftest import require_or_skip
from tests.support.db import empty_tables, sqlite_copy
from tests.support.practice import Practice
from tests.web.conftest import Browser, World, _seed


@dataclass
class WebWorld:
    app: Litestar
    world: World
    client: TestClient  # anonymous; its portal is shared by the clients `signed_in` makes
    container: bootstrap.Container

    @property
    def browser(self) -> Browser:
        return Browser(self.client)

    def signed_in(self, who: str) -> Browser:
        client = TestClient(self.app)
        client.blocking_portal = self.client.blocking_portal
        signed = Browser(client)
        assert signed.sign_in(self.world.email(who)).status_code == 303
        return signed


def database_url(store: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if store == "memory":
        return "memory"
    if store == "sqlite":
        return sqlite_copy(request.getfixturevalue("sqlite_template_path"), tmp_path)
    url = request.getfixturevalue("postgres_url")
    if url is None:
        require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL to a server")
    return str(url)


@contextmanager
def web_world(store: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebWorld]:
    url = database_url(store, request, tmp_path)

    async def clean() -> None:
        engine = create_engine(url)
        try:
            await empty_tables(engine)
        finally:
            await engine.dispose()

    if store == "postgres":
        asyncio.run(clean())
    container = bootstrap.make_container(bootstrap.Settings(database_url=url, worker="off"))
    hasher = Argon2PasswordHasher.fast()
    container.password_hasher.override(providers.Object(hasher))
    practice = Practice(container.uow_factory(), audit=container.audit_log())
    container.clock.override(providers.Object(practice.clock))

    async def seed() -> World:
        try:
            return await _seed(practice, hasher)
        finally:
            await bootstrap.close_database(container)

    world = asyncio.run(seed())
    app = bootstrap.create_app(container)
    with TestClient(app) as client:
        yield WebWorld(app=app, world=world, client=client, container=container)


SignedIn = Callable[[str], Browser]
