"""What a signed-in request costs over HTTP (in-process TestClient) at a practice of ~230 staff:
`python -m tests.support.request_cost [SERVER_URL]` builds the `scale` practice of 300 cases
with 210 more clinicians in a scratch PostgreSQL database and prints, for a page that asks
nothing of the database (the fixed cost), the case page and the case list: median and mean ms,
statements (transaction control left out), writes and transactions per request."""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa
from dependency_injector import providers
from litestar import get
from litestar.testing import TestClient

import bootstrap
from adapters.persistence.sql.engine import create_engine
from adapters.system.passwords import Argon2PasswordHasher
from adapters.web.auth import staff_only
from adapters.web.kit.params import ActorParam
from tests.support.csrf import page_token
from tests.support.db import postgres_database
from tests.support.practice import OWNER_PASSWORD
from tests.support.scale import build

EXTRA_STAFF = 210
REQUESTS = 40
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")
WRITES = ("INSERT", "UPDATE", "DELETE")


@get("/probe", guards=[staff_only], sync_to_thread=False)
def probe(actor: ActorParam) -> str:
    return actor.name


async def _seed(url: str) -> tuple[Any, int]:
    engine = create_engine(url)
    try:
        scene = await build(engine, 300)
        for i in range(EXTRA_STAFF):
            await scene.practice.staff(f"Extra Clinician {i:03d}")
        async with engine.connect() as conn:
            staff = (await conn.execute(sa.text("SELECT count(*) FROM staff"))).scalar_one()
    finally:
        await engine.dispose()
    return scene.case_id, staff


def _measure(url: str) -> None:
    case_id, staff = asyncio.run(_seed(url))
    container = bootstrap.make_container(bootstrap.Settings(database_url=url))
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    app = bootstrap.create_app(container)
    app.register(probe)
    sent: list[str] = []
    begins: list[int] = []
    engine = container.engine().sync_engine
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _k, s, *_a: sent.append(s))
    sa.event.listen(engine, "begin", lambda _conn: begins.append(1))
    with TestClient(app) as client:
        token = page_token(client.get("/sign-in").text)
        signed = client.post(
            "/sign-in",
            data={
                "email": "owner@hearth.test",
                "password": OWNER_PASSWORD,
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        print(f"{staff} staff, {REQUESTS} requests each")
        print(f"{'page':10} {'median':>8} {'mean':>8} {'stmts':>6} {'writes':>7} {'tx':>4}")
        for name, path in [
            ("probe", "/probe"),
            ("case page", f"/cases/{case_id}"),
            ("case list", "/cases"),
        ]:
            for _ in range(3):  # warm: templates, the staff directory
                assert client.get(path).status_code == 200
            times, counts, writes, transactions = [], [], [], []
            for _ in range(REQUESTS):
                sent.clear()
                begins.clear()
                started = time.perf_counter()
                assert client.get(path, follow_redirects=False).status_code == 200
                times.append((time.perf_counter() - started) * 1000)
                real = [s for s in sent if not s.lstrip().upper().startswith(CONTROL)]
                counts.append(len(real))
                writes.append(sum(s.lstrip().upper().startswith(WRITES) for s in real))
                transactions.append(len(begins))
            print(
                f"{name:10} {statistics.median(times):6.1f}ms {statistics.mean(times):6.1f}ms "
                f"{statistics.median(counts):6.0f} {max(writes):7} "
                f"{statistics.median(transactions):4.0f}"
            )


if __name__ == "__main__":
    logging.getLogger("httpx").setLevel(logging.WARNING)
    server = (
        sys.argv[1]
        if len(sys.argv) > 1
        else os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    )
    with postgres_database(server) as scratch:
        _measure(scratch)
