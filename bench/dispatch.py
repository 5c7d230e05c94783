"""How fast one worker empties the outbox into a local SMTP server, and whether the claim stays
an index scan on a big outbox. `python -m bench.dispatch [--server postgresql://...]`:

- dispatch: N emails queued in a scratch PostgreSQL database (or SQLite with --sqlite), one
  worker (`deliver_due` rounds, as `hearth worker` runs them) sending to aiosmtpd on 127.0.0.1
  through the SMTP adapter: emails per second, counted at the server;
- plan: the outbox filled with 1.5 million rows (sent ones and a week of pending reminders, as
  a large practice's outbox holds them), then EXPLAIN of the claim's statement: the node that
  reads the outbox must be an index scan of (state, due_at).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from adapters.notify.memory import MemorySmsSender
from adapters.notify.smtp import SmtpEmailSender, SmtpSettings
from adapters.persistence.sql import tables as t
from adapters.persistence.sql.communication import claim_query, outbox_values
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.migrate import migrate_url
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.clock import SystemClock
from bench.database import scratch_database
from core.domain.communication.messages import OutboundMessage
from core.domain.directory.parties import Channel
from core.services.communication.delivery import DeliveryDeps, deliver_due

BODY = (
    "This is a reminder from Riverside Practice of your appointment on Thursday 8 January at "
    "18:00 (America/New_York), at the practice.\n\nConfirm that you will come: "
    "https://hearth.example.org/s/Vq3bXk9PzR2mT7wLsAb4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr?do=confirm\n"
)


class Counting:
    def __init__(self, received: Any) -> None:
        self.received = received  # a multiprocessing.Value: read by the benchmark's process

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.received.get_lock():
            self.received.value += 1
        return "250 Message accepted"


def _serve(port: int, received: Any, ready: Any, stop: Any) -> None:
    """aiosmtpd in a process of its own, as a mail server is (not competing for this one's
    interpreter lock)."""
    controller = Controller(Counting(received), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _message(n: int, now: datetime) -> OutboundMessage:
    return OutboundMessage(
        id=uuid4(),
        delivery_key=f"bench:{n}",
        channel=Channel.EMAIL,
        to=f"client{n}@example.org",
        subject="Reminder: your appointment on Thursday 8 January",
        body=BODY,
        due_at=now - timedelta(seconds=1),
        created_at=now,
    )


async def dispatch(url: str, emails: int, batch: int) -> tuple[float, int, int]:
    """Emails per second from one worker; what the server received; SMTP connections."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    rows = [outbox_values(_message(n, now)) for n in range(emails)]
    async with engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            await conn.execute(sa.insert(t.outbox), rows[i : i + 5000])
    port, received = _free_port(), multiprocessing.Value("i", 0)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, received, ready, stop))
    server.start()
    ready.wait()
    settings = SmtpSettings(
        host="127.0.0.1", port=port, sender="P <care@p.example>", security="none"
    )
    deps = DeliveryDeps(
        uow=sql_uow_factory(engine),
        clock=SystemClock(),
        email=SmtpEmailSender(settings),
        sms=MemorySmsSender(),
        batch=batch,
    )
    try:
        started = time.perf_counter()
        rounds = 0
        while (await deliver_due(deps)).claimed:
            rounds += 1
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        server.join()
        await engine.dispose()
    return received.value / seconds, received.value, rounds


FILL = """
INSERT INTO outbox (id, delivery_key, channel, recipient, subject, body, html, calendar,
                    state, due_at, attempts, last_error, provider_id, created_at, sent_at)
SELECT gen_random_uuid(), 'bench:' || g, 'email', 'c' || g || '@example.org', 'Reminder',
       'text', '', '',
       CASE WHEN g % 100 < 97 THEN 'sent' WHEN g % 100 < 99 THEN 'pending' ELSE 'undelivered' END,
       now() - interval '2 years' + (g * interval '40 seconds'),
       1, '', '', now(), now()
FROM generate_series(1, :n) AS g
"""


def _scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if plan.get("Relation Name") == "outbox":
        found.append((plan["Node Type"], plan.get("Index Name", "")))
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


async def claim_plan(url: str, rows: int) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(FILL), {"n": rows})
            await conn.execute(sa.text("ANALYZE outbox"))
        async with engine.connect() as conn:
            query = claim_query(datetime.now(UTC), 50)
            compiled = query.compile(
                conn.engine.sync_engine, compile_kwargs={"literal_binds": True}
            )
            explained = await conn.execute(sa.text(f"EXPLAIN (FORMAT JSON) {compiled}"))
            plan = explained.scalar_one()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return _scans(plan[0]["Plan"])
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch", description=__doc__)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--sqlite", action="store_true", help="dispatch from SQLite instead")
    parser.add_argument("--emails", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1_500_000, help="for the plan; 0: skip")
    args = parser.parse_args()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite+aiosqlite:///{directory}/bench.db"
            asyncio.run(migrate_url(url))
            rate, received, rounds = asyncio.run(dispatch(url, args.emails, args.batch))
            where = "SQLite"
    else:
        with scratch_database(args.server, "dispatch") as url:
            rate, received, rounds = asyncio.run(dispatch(url, args.emails, args.batch))
        where = "PostgreSQL"
    print(
        f"dispatch ({where}, one worker, batches of {args.batch}, aiosmtpd on 127.0.0.1): "
        f"{rate:.0f} emails/s ({received} received in {rounds} rounds)"
    )
    if args.rows:
        with scratch_database(args.server, "outbox_plan") as url:
            scans = asyncio.run(claim_plan(url, args.rows))
        verdict = (
            "index scan" if scans and all("Index" in n for n, _ in scans) else "NOT an index scan"
        )
        print(f"claim at {args.rows:,} outbox rows: {verdict} {scans}")


if __name__ == "__main__":
    main()
