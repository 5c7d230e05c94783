"""`python -m bench.cpu`: the server's CPU time per request of the light screens, in-process.

Wall-clock figures on a shared machine are noise; the CPU time this process spends (every
thread: the event loop and the SQLite driver's) is not, or far less. The script loads the demo
practice (`hearth demo`) into a scratch SQLite file (or uses `--database`, a migrated database
that has the demo or gets it), builds the application as `hearth serve` does (the request log
around it), signs in as the demo's owner and sends each screen's GET straight through ASGI (no
HTTP client, no sockets: what is measured is the application). Per screen it prints the median
and the best round's mean CPU ms per request, the statements sent and the response size.

    .venv/bin/python -m bench.cpu                      # every screen, SQLite
    .venv/bin/python -m bench.cpu --rounds 7 --requests 50
    .venv/bin/python -m bench.cpu --profile "case page" # cProfile (CPU clock) of one screen
    .venv/bin/python -m bench.cpu --database postgresql+asyncpg://postgres@127.0.0.1/demo

Compare two checkouts by running each one's script with its own .venv on the same machine
state, one after the other (see docs/perf/)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import gc
import io
import json
import logging
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
import sqlalchemy as sa
from dependency_injector import providers

import bootstrap
from adapters.cli.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from adapters.persistence.sql.migrate import migrate_url
from adapters.persistence.sql.tables.cases import cases
from adapters.persistence.sql.tables.directory import people, staff
from adapters.persistence.sql.tables.scheduling import appointments
from adapters.system.passwords import Argon2PasswordHasher
from adapters.web.request_log import RequestLog
from bench.generate import PASSWORD
from bench.targets import screens as target_screens

SECRET = "bench-cpu-" + "x" * 32
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Response:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class Client:
    """Sends requests straight into an ASGI app, keeping cookies as a browser would."""

    app: Any
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(
        self, method: str, target: str, form: dict[str, str] | None = None
    ) -> Response:
        path, _, query = target.partition("?")
        body = urlencode(form).encode() if form is not None else b""
        headers = [(b"host", b"testserver"), (b"user-agent", b"bench-cpu")]
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers.append((b"cookie", jar.encode()))
        if form is not None:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": {},
        }
        sent_body = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client never goes away mid-response
            raise AssertionError("unreachable")

        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        response = Response(start["status"], list(start.get("headers", [])), b"".join(chunks))
        for name, value in response.headers:
            if name.lower() == b"set-cookie":
                for morsel in SimpleCookie(value.decode()).values():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[morsel.key] = morsel.value
                    else:
                        self.cookies.pop(morsel.key, None)
        return response

    async def get(self, target: str) -> Response:
        return await self.request("GET", target)


@contextlib.asynccontextmanager
async def running(app: Any) -> AsyncIterator[None]:
    """The app's lifespan: started before the requests, shut down after them."""
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started, stopped = asyncio.Event(), asyncio.Event()
    await events.put({"type": "lifespan.startup"})

    async def send(message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind.startswith("lifespan.startup"):
            started.set()
        elif kind.startswith("lifespan.shutdown"):
            stopped.set()
        if kind.endswith(".failed"):
            raise RuntimeError(message.get("message"))

    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, events.get, send)
    )
    await started.wait()
    try:
        yield
    finally:
        await events.put({"type": "lifespan.shutdown"})
        await stopped.wait()
        await task


def container_for(url: str) -> bootstrap.Container:
    settings = bootstrap.Settings(
        database_url=url, secret_key=SECRET, worker="off", email="memory", sms="memory"
    )
    container = bootstrap.make_container(settings)
    container.password_hasher.override(providers.Object(Argon2PasswordHasher.fast()))
    return container


@dataclass(frozen=True)
class Target:
    """Whom to sign in as and which case and appointment to open."""

    email: str
    password: str
    case_id: str
    appointment_id: str
    person_id: str | None = None  # None: the first person of the practice


async def demo_case(url: str) -> Target:
    """A case of the demo practice to open: the couple's (members, sessions, a payer), signed in
    as the demo's owner; in a generated database (`bench.generate`, no demo in it), what the
    load runner opens (`bench.targets`), signed in as its clinician."""
    container = container_for(url)
    try:
        async with container.engine().connect() as conn:
            query = sa.select(staff.c.id).where(staff.c.email == f"ana@{DEMO_DOMAIN}")
            has_demo = (await conn.execute(query)).first() is not None
            has_cases = (await conn.execute(sa.select(cases.c.id).limit(1))).first()
        if not has_demo and has_cases is not None and url.startswith("postgresql"):
            return await _generated_target(url)
        practice = await load_demo(
            container.scheduling_deps(), container.password_hasher(), if_empty=True
        )
        async with container.engine().connect() as conn:
            if practice is not None:
                case_id = str(practice.cases["couple"])
            else:  # loaded before: its couple's case again, if it has one
                query = sa.select(cases.c.id).order_by(cases.c.kind != "couple", cases.c.id)
                case_id = str((await conn.execute(query.limit(1))).scalar_one())
            # The case's session nearest to now (as the load runner picks it).
            rows = await conn.execute(
                sa.select(appointments.c.id, appointments.c.start_at).where(
                    appointments.c.case_id == UUID(case_id)
                )
            )
            now = datetime.now(UTC)
            nearest = min(
                rows, key=lambda r: abs((r.start_at.replace(tzinfo=UTC) - now).total_seconds())
            )
        return Target(f"ana@{DEMO_DOMAIN}", DEMO_PASSWORD, case_id, str(nearest.id))
    finally:
        await bootstrap.close_database(container)


async def _generated_target(url: str) -> Target:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        found, roles = await target_screens(conn)
    finally:
        await conn.close()
    paths = {s.name: s.path for s in found}
    case_id = paths["case page"].rsplit("/", 1)[1]
    appointment_id = paths["appointment page"].rsplit("/", 1)[1]
    person_id = paths["person page"].rsplit("/", 1)[1]
    return Target(roles["clinician"], PASSWORD, case_id, appointment_id, person_id)


def screens(target: Target, person_id: str) -> list[tuple[str, str, bool]]:
    """(name, path, signed in) of every light screen measured."""
    case_id = target.case_id
    return [
        ("case list", "/cases", True),
        ("case page", f"/cases/{case_id}", True),
        ("appointment page", f"/appointments/{target.appointment_id}", True),
        ("attendance grid", f"/cases/{case_id}/schedule", True),
        ("person page", f"/people/{person_id}", True),
        ("people list", "/people", True),
        ("own day", "/schedule?view=day", True),
        ("own week", "/schedule?view=week", True),
        ("needs attention", "/attention", True),
        ("attention count", "/attention/count", True),  # after every page, by htmx
        ("sign-in page", "/sign-in", False),
        ("static file", "/static/hearth.css", False),
    ]


@dataclass
class Result:
    name: str
    median_ms: float
    best_round_ms: float
    statements: int
    kilobytes: float


class Statements:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        if engine is not None:
            sa.event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _c: Any, _k: Any, statement: str, *_a: Any) -> None:
        if not statement.lstrip().upper().startswith(CONTROL):
            self.count += 1


async def measure(
    url: str,
    target: Target,
    *,
    rounds: int,
    requests: int,
    only: set[str] | None,
    profile: str | None,
) -> list[Result]:
    container = container_for(url)
    app = RequestLog(bootstrap.create_app(container))
    statements = Statements(container.engine())
    async with running(app):
        staff = Client(app)
        page = await staff.get("/sign-in")
        # The form's token, as a browser sends it (no script can read the CSRF cookie).
        token = re.search(rb'name="_csrf_token" value="([^"]+)"', page.body)
        assert token is not None, page.body[:500]
        signed = await staff.request(
            "POST",
            "/sign-in",
            {
                "email": target.email,
                "password": target.password,
                "_csrf_token": token.group(1).decode(),
            },
        )
        assert signed.status == 303, signed.body[:500]
        async with container.engine().connect() as conn:
            # Someone of the demo's practice (the owner sees everyone's details).
            query = sa.select(people.c.id).order_by(people.c.id).limit(1)
            person_id = target.person_id or str((await conn.execute(query)).scalar_one())
        anonymous = Client(app)
        results = []
        for name, path, signed_in in screens(target, person_id):
            if only and name not in only:
                continue
            client = staff if signed_in else anonymous
            for _ in range(5):  # warm: templates compiled, caches filled
                response = await client.get(path)
                assert response.status == 200, (name, response.status, response.body[:300])
            if profile == name:
                await _profile(client, path, requests * rounds)
                continue
            statements.count = 0
            await client.get(path)
            per_request_statements = statements.count
            size = len(response.body) / 1024
            samples: list[float] = []
            means: list[float] = []
            for _ in range(rounds):
                gc.collect()
                round_started = time.process_time()
                for _ in range(requests):
                    started = time.process_time()
                    await client.get(path)
                    samples.append(time.process_time() - started)
                means.append((time.process_time() - round_started) / requests)
            results.append(
                Result(
                    name,
                    statistics.median(samples) * 1000,
                    min(means) * 1000,
                    per_request_statements,
                    size,
                )
            )
    await bootstrap.close_database(container)
    return results


async def _profile(client: Client, path: str, count: int) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        await client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    print(out.getvalue())


def table(results: list[Result], label: str) -> str:
    lines = [
        f"{label}: CPU ms per request (process time, every thread), in-process ASGI",
        f"{'screen':18} {'median':>8} {'best round':>11} {'stmts':>6} {'KB':>6}",
    ]
    for r in results:
        lines.append(
            f"{r.name:18} {r.median_ms:8.2f} {r.best_round_ms:11.2f} {r.statements:6} "
            f"{r.kilobytes:6.1f}"
        )
    return "\n".join(lines)


def _quiet_logs() -> Callable[[], None]:
    """The request log writes as `hearth serve` has it (INFO, one line a request), to nowhere."""
    sink = open(os.devnull, "w")  # noqa: SIM115 - closed by the returned function
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logger = logging.getLogger("hearth")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return sink.close


def _run(checkout: Path, args: argparse.Namespace) -> list[Result]:
    """One run of `checkout`'s own bench.cpu (its .venv's Python if it has one, else this one;
    the checkout's own modules either way: they come first on the path)."""
    python = checkout / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "bench.cpu", "--json"]
    command += ["--rounds", str(args.rounds), "--requests", str(args.requests)]
    for screen in args.screen or []:
        command += ["--screen", screen]
    if args.database:
        command += ["--database", args.database]
    out = subprocess.run(command, cwd=checkout, check=True, capture_output=True, text=True)
    return [Result(**r) for r in json.loads(out.stdout.strip().splitlines()[-1])]


def compare(args: argparse.Namespace) -> None:
    """Base and this checkout in turns (base, this, base, this...), so that a change of the
    machine's load hits both alike; each screen's best run of each is shown."""
    here, base = Path.cwd(), args.against.resolve()
    if not (base / "bench" / "cpu.py").exists():
        raise SystemExit(f"bench.cpu: {base} has no bench/cpu.py (copy this one there)")
    best: dict[Path, dict[str, Result]] = {base: {}, here: {}}
    for run in range(args.runs):
        for checkout in (base, here):
            print(f"bench.cpu: run {run + 1} of {checkout}", file=sys.stderr, flush=True)
            for r in _run(checkout, args):
                kept = best[checkout].get(r.name)
                if kept is None or r.best_round_ms < kept.best_round_ms:
                    best[checkout][r.name] = r
    print(f"CPU ms per request (best round of {args.requests}, best of {args.runs} runs each)")
    print(f"before: {base}\nafter:  {here}")
    print(f"{'screen':18} {'before':>8} {'after':>8} {'ratio':>6} {'stmts':>9} {'KB':>13}")
    for name, after in best[here].items():
        before = best[base].get(name)
        if before is None:
            print(f"{name:18} {'-':>8} {after.best_round_ms:8.2f}")
            continue
        print(
            f"{name:18} {before.best_round_ms:8.2f} {after.best_round_ms:8.2f} "
            f"{after.best_round_ms / before.best_round_ms:6.2f} "
            f"{before.statements:>4}>{after.statements:<4} "
            f"{before.kilobytes:6.1f}>{after.kilobytes:<6.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__)
    parser.add_argument("--database", help="a database URL (default: a scratch SQLite file)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="per round")
    parser.add_argument("--screen", action="append", help="only these screens (by name)")
    parser.add_argument("--profile", metavar="SCREEN", help="cProfile one screen instead")
    parser.add_argument("--label", default=str(Path.cwd()))
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="also measure this checkout (e.g. a worktree of main), alternating runs with this "
        "one, and print both side by side (the best of --runs each)",
    )
    parser.add_argument("--runs", type=int, default=2, help="with --against: runs of each")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.against:
        compare(args)
        return
    close = _quiet_logs()
    with tempfile.TemporaryDirectory(prefix="hearth-bench-cpu-") as scratch:
        url = args.database or f"sqlite+aiosqlite:///{scratch}/hearth.db"
        asyncio.run(migrate_url(url))
        target = asyncio.run(demo_case(url))
        only = set(args.screen or []) | ({args.profile} if args.profile else set())
        results = asyncio.run(
            measure(
                url,
                target,
                rounds=args.rounds,
                requests=args.requests,
                only=only or None,
                profile=args.profile,
            )
        )
    close()
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in results]))
    elif results:
        print(table(results, args.label))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
