"""`hearth serve --workers N`: N uvicorn worker processes, each with its share of the database
connections."""

from __future__ import annotations

import os

import pytest

import bootstrap


def test_each_process_gets_a_share_of_the_connections():
    assert bootstrap.Settings(workers=1, database_connections=20).pool_size == 20
    assert bootstrap.Settings(workers=4, database_connections=20).pool_size == 5
    assert bootstrap.Settings(workers=16, database_connections=20).pool_size == 2  # at least


def test_the_practice_engine_is_pooled_by_that_share():
    settings = bootstrap.Settings(
        database_url="postgresql://nobody@127.0.0.1:1/none", workers=4, database_connections=20
    )
    pool = bootstrap.practice_engine(settings).sync_engine.pool
    assert pool.size() == 5 and pool._max_overflow == 0


def test_a_worker_count_below_one_is_refused():
    with pytest.raises(SystemExit):
        bootstrap.Settings.from_env({"HEARTH_WORKERS": "0"})


def test_the_in_memory_practice_runs_in_one_process_only():
    with pytest.raises(SystemExit, match="one process"):
        bootstrap.Settings.from_env({"HEARTH_WORKERS": "2", "HEARTH_DATABASE_URL": "memory"})


def test_serve_with_workers_runs_uvicorn_processes_over_the_app_factory(monkeypatch, tmp_path):
    import socket

    import uvicorn.supervisors

    seen: dict = {}

    class Supervisor:  # records what uvicorn's process supervisor would have been given
        def __init__(self, config, sockets) -> None:
            seen.update(config=config, sockets=sockets)

        def run(self) -> None:
            for sock in seen["sockets"]:
                sock.close()

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    # Set (and restored after the test), whatever main changes in the environment.
    monkeypatch.setenv("HEARTH_PORT", "0")  # a free port: the socket is really bound
    monkeypatch.setenv("HEARTH_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("HEARTH_WORKERS", "1")
    monkeypatch.setenv("HEARTH_SECRET_KEY", "")
    assert bootstrap.main(["serve", "--workers", "3"]) == 0
    config = seen["config"]
    assert config.app == "bootstrap:web_app" and config.factory is True
    assert config.workers == 3 and config.access_log is False
    assert [s.proto for s in seen["sockets"]] == [socket.IPPROTO_TCP]
    assert os.environ["HEARTH_WORKERS"] == "3"  # what the worker processes read
    assert len(os.environ["HEARTH_SECRET_KEY"]) >= 32  # one key for all of them
    monkeypatch.setenv("HEARTH_WORKERS", "1")
    monkeypatch.setenv("HEARTH_DATABASE_URL", "memory")
    assert isinstance(bootstrap.web_app(), bootstrap.RequestLog)


async def test_the_workers_socket_gives_each_connection_tcp_nodelay() -> None:
    """Without it, every keep-alive request after the first waits ~40 ms (uvicorn#3149)."""
    import asyncio
    import socket

    from adapters.web.server import NoDelayConfig

    listener = NoDelayConfig("bootstrap:web_app", host="127.0.0.1", port=0).bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    seen: list[int] = []

    def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        for _ in range(50):
            if seen:
                break
            await asyncio.sleep(0.02)
        writer.close()
    finally:
        server.close()
    assert seen and seen[0] != 0
