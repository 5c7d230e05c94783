"""Sessions live in the database: a sign-in on one server process is seen by another, and
survives a restart. Two apps over one migrated SQLite file stand for two workers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dependency_injector import providers
from litestar.testing import TestClient

import bootstrap
from adapters.system.passwords import Argon2PasswordHasher
from core.services import directory
from tests.support.db import sqlite_copy
from tests.web.conftest import PASSWORD, Browser


def _container(url: str) -> bootstrap.Container:
    container = bootstrap.make_container(bootstrap.Settings(database_url=url))
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    return container


def test_a_session_is_shared_by_every_worker(tmp_path: Path, sqlite_template_path: Path):
    url = sqlite_copy(sqlite_template_path, tmp_path)  # a migrated database
    first, second = _container(url), _container(url)

    async def owner() -> None:
        await directory.create_first_owner(
            first.deps(), first.password_hasher(), "Ana", "ana@x.org", PASSWORD
        )
        await first.engine().dispose()

    asyncio.run(owner())
    with (
        TestClient(bootstrap.create_app(first)) as one,
        TestClient(bootstrap.create_app(second)) as two,
    ):
        assert Browser(one).sign_in("ana@x.org").status_code == 303
        two.cookies.set("hearth_session", one.cookies["hearth_session"])
        assert two.get("/cases", follow_redirects=False).status_code == 200
        assert Browser(one).post("/sign-out").status_code == 303
        assert two.get("/cases", follow_redirects=False).status_code == 303
