"""`hearth create-owner`: the first-run alternative to the setup page."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

import bootstrap
from adapters.persistence.sql.migrate import migrate_url
from core.services.directory import auth

PASSWORD = "a long enough password"


def test_create_owner_then_sign_in(tmp_path: Path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'hearth.db'}"
    asyncio.run(migrate_url(url))
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
