"""`hearth create-owner`: the first-run alternative to the setup page."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers

import bootstrap
from adapters.persistence.sql.audit import AUDIT_SUFFIX
from adapters.system.passwords import Argon2PasswordHasher
from core.services.directory import auth
from tests.support.db import sqlite_copy

PASSWORD = "a long enough password"


@pytest.fixture
def cheap_hashing() -> Iterator[None]:
    """Containers made by `hearth` commands hash with argon2id's cheap test parameters (the
    production ones are checked in tests/unit/directory/test_passwords.py)."""
    with bootstrap.Container.password_hasher.override(
        providers.Object(Argon2PasswordHasher.fast())
    ):
        yield


def test_create_owner_then_sign_in(
    tmp_path: Path, sqlite_template_path: Path, cheap_hashing, monkeypatch, capsys
):
    url = sqlite_copy(sqlite_template_path, tmp_path)  # a migrated database
    monkeypatch.setenv("HEARTH_DATABASE_URL", url)
    command = ["create-owner", "--name", "Ana Owner", "--email", "ana@x.org", "--password-stdin"]

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert bootstrap.main(command) == 1
    assert "at least 10 characters" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert bootstrap.main(command) == 0
    assert "Owner ana@x.org created" in capsys.readouterr().out

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert bootstrap.main([*command[:4], "eve@x.org", "--password-stdin"]) == 1
    assert "already has staff" in capsys.readouterr().err

    container = bootstrap.make_container(bootstrap.Settings(database_url=url))

    async def sign_in() -> None:
        try:
            await auth.sign_in(container.deps(), container.password_hasher(), "ana@x.org", PASSWORD)
        finally:
            await container.engine().dispose()

    asyncio.run(sign_in())


@pytest.mark.parametrize("argv", [["serve", "--help"], ["create-owner", "--help"]])
def test_commands_are_listed(argv, capsys):
    with pytest.raises(SystemExit) as done:
        bootstrap.main(argv)
    assert done.value.code == 0
    assert "usage: hearth" in capsys.readouterr().out


def test_audit_verify_names_an_edited_entry(
    tmp_path: Path, sqlite_template_path: Path, cheap_hashing, monkeypatch, capsys
):
    """`hearth audit verify` walks the chain: intact after sign-ins, and an entry changed in
    the database by hand is named."""
    url = sqlite_copy(sqlite_template_path, tmp_path)
    monkeypatch.setenv("HEARTH_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    command = ["create-owner", "--name", "Ana Owner", "--email", "ana@x.org", "--password-stdin"]
    assert bootstrap.main(command) == 0
    container = bootstrap.make_container(bootstrap.Settings(database_url=url))

    async def sign_ins() -> None:
        try:
            for _ in range(3):
                await auth.sign_in(
                    container.deps(), container.password_hasher(), "ana@x.org", PASSWORD
                )
        finally:
            await bootstrap.close_database(container)

    asyncio.run(sign_ins())
    capsys.readouterr()
    assert bootstrap.main(["audit", "verify"]) == 0
    assert "the chain is intact" in capsys.readouterr().out

    audit_file = url.removeprefix("sqlite+aiosqlite:///") + AUDIT_SUFFIX
    with sqlite3.connect(audit_file) as db:
        db.execute("UPDATE audit_entries SET client_address = '10.9.9.9' WHERE seq = 2")
    assert bootstrap.main(["audit", "verify"]) == 1
    assert "entry 2 is broken" in capsys.readouterr().err
