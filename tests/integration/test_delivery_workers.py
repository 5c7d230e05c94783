"""`hearth worker` processes against one PostgreSQL and a real SMTP server (aiosmtpd): two
workers started at once deliver 1,000 messages exactly once; a worker killed with SIGKILL in
the middle of a batch loses nothing, and what it had sent but not yet recorded is sent again
once its lease ends (recognisable by its Message-ID, which its delivery key fixes); a mail
server that is down for a while only delays the messages."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel
from tests.conftest import require_or_skip
from tests.support.db import empty_tables
from tests.support.mail_server import MailServer, mail_server

HEARTH = Path(sys.executable).with_name("hearth")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg(postgres_url: str | None) -> str:
    if postgres_url is None:
        require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL")
    return postgres_url


def _run(coro):
    return asyncio.run(coro)


async def _queue(url: str, n: int, prefix: str) -> None:
    engine = create_engine(url)
    try:
        await empty_tables(engine)
        now = datetime.now(UTC)
        async with sql_uow_factory(engine)() as uow:
            for i in range(n):
                await uow.outbox.queue(
                    OutboundMessage(
                        id=uuid4(),
                        delivery_key=f"{prefix}:{i}",
                        channel=Channel.EMAIL,
                        to=f"client{i % 50}@example.org",
                        subject="Your session",
                        body="Tuesday 10:00",
                        due_at=now,
                        created_at=now,
                    )
                )
            await uow.commit()
    finally:
        await engine.dispose()


async def _counts(url: str) -> Counter:
    engine = create_engine(url)
    try:
        async with sql_uow_factory(engine)() as uow:
            return Counter(
                {s: await uow.outbox.count(s) for s in (DeliveryState.PENDING, DeliveryState.SENT)}
            )
    finally:
        await engine.dispose()


def _worker(url: str, server: MailServer, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_DATABASE_URL": url,
        "HEARTH_EMAIL": "smtp",
        "HEARTH_SMTP_HOST": server.host,
        "HEARTH_SMTP_PORT": str(server.port),
        "HEARTH_SMTP_SECURITY": "none",
        "HEARTH_EMAIL_FROM": "Practice <care@practice.example>",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    out = log.open("ab")
    return subprocess.Popen([str(HEARTH), "worker"], env=env, cwd=ROOT, stdout=out, stderr=out)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(*workers: subprocess.Popen[bytes]) -> None:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    for w in workers:
        try:
            w.wait(timeout=15)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()


def _ids(server: MailServer) -> Counter:
    return Counter(str(m["Message-ID"]) for m in server.received)


def test_two_workers_deliver_a_thousand_messages_exactly_once(pg: str, tmp_path: Path) -> None:
    _run(_queue(pg, 1000, "notice"))
    with mail_server() as server:
        workers = [_worker(pg, server, tmp_path / f"w{i}.log") for i in range(2)]
        try:
            _wait(lambda: len(server.received) >= 1000, 120, "1,000 messages")
            time.sleep(1)  # anything sent twice would arrive by now
        finally:
            _stop(*workers)
    ids = _ids(server)
    assert len(server.received) == 1000 and len(ids) == 1000, ids.most_common(3)
    assert server.connections >= 2  # both workers took part
    assert _run(_counts(pg))[DeliveryState.SENT] == 1000


def test_a_worker_killed_mid_batch_loses_nothing(pg: str, tmp_path: Path) -> None:
    _run(_queue(pg, 60, "kill"))
    with mail_server() as server:
        server.delay = 0.05  # a slow server: the kill lands inside a batch
        first = _worker(pg, server, tmp_path / "first.log", HEARTH_WORKER_LEASE_SECONDS="3")
        try:
            _wait(lambda: len(server.received) >= 10, 60, "the first messages")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            received_before = len(server.received)
            assert received_before < 60
            second = _worker(pg, server, tmp_path / "second.log", HEARTH_WORKER_LEASE_SECONDS="3")
            try:
                _wait(lambda: len(_ids(server)) >= 60, 60, "every message")
                time.sleep(1)
            finally:
                _stop(second)
        finally:
            _stop(first)
    ids = _ids(server)
    assert len(ids) == 60  # nothing lost
    again = sum(n - 1 for n in ids.values())
    assert again <= 2, f"{again} sent twice"  # the one in flight, and one answered at the kill
    assert _run(_counts(pg))[DeliveryState.SENT] == 60


def test_a_mail_server_that_is_down_for_a_while_only_delays(pg: str, tmp_path: Path) -> None:
    _run(_queue(pg, 5, "down"))
    with mail_server() as server:
        port = server.port
    # The server is gone: the worker's tries fail, and the messages wait for their next try.
    log = tmp_path / "down.log"
    worker = _worker(pg, MailServer(port=port), log, HEARTH_WORKER_RETRY_SECONDS="2")
    try:
        _wait(lambda: b"to retry" in log.read_bytes(), 30, "a failed round")
        assert _run(_counts(pg))[DeliveryState.PENDING] == 5
        with mail_server(port) as back:  # ... and back: each arrives, once
            _wait(lambda: len(back.received) >= 5, 60, "the delayed messages")
            time.sleep(1)
        assert len(back.received) == len(_ids(back)) == 5
    finally:
        _stop(worker)
