"""The load runner: signed-in clients over real HTTP against a real `hearth serve`.

For each checkout given (`--source`, default this one) and each tier, it migrates the database
with that checkout's `hearth migrate`, captures each screen's SQL in-process (`capture.py`, with
the checkout's own Python), starts `hearth serve` on a free port (with `--workers` when the
checkout has it), signs in one client per user and role, and runs every screen in each mode:

- `1`: one user, requests back to back;
- `20`: twenty users without pause;
- `20t`: twenty users, each thinking `--think` seconds on average between requests: each starts
  at a random moment of the first think and then waits 0.5-1.5 times `--think` (uniformly, as
  Locust's `between`). Users who all wait exactly one second stay in step and measure a burst
  of twenty requests at once every second, not twenty people at work.

Per screen: p50/p95/p99, requests per second, 5xx answers, size, server CPU per request (from
/proc of the server's processes, in mode `1`), statements, and the raw-SQL floor: the captured
statements replayed one after another on asyncpg in a transaction that is rolled back (median
of several rounds), with the ratio of the 1-user p50 to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.generate import PASSWORD, TIMEZONE, plain_url
from bench.targets import Screen, screens

HERE = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # 5xx and failed requests
    other: int = 0  # answered, but not 200 (a refusal, a redirect): not the screen measured
    bytes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # server CPU seconds over the run

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request, in milliseconds."""
        return self.cpu / len(self.latencies) * 1000 if self.latencies else float("nan")


@dataclass
class ScreenReport:
    screen: Screen
    statements: int = 0
    floor_ms: float = float("nan")
    kb: float = 0.0
    modes: dict[str, Result] = field(default_factory=dict)


# ----- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(source: Path, url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        HEARTH_DATABASE_URL=url,
        HEARTH_TIMEZONE=TIMEZONE,
        HEARTH_SECRET_KEY="s" * 40,
        HEARTH_HOST="127.0.0.1",
        HEARTH_PORT=str(port),
        # The web processes only, as a large practice runs them: delivery (and its reminder
        # sweep) in `hearth worker` processes of its own. Older checkouts ignore the setting.
        HEARTH_WORKER="off",
        PYTHONPATH=str(source),
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def has_workers(source: Path) -> bool:
    helped = subprocess.run(
        [str(source / ".venv/bin/hearth"), "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=source,
    )
    return "--workers" in helped.stdout


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of `pid` and its children (the workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        this, parent = int(stat.parent.name), int(fields[1])
        if this == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


class Server:
    def __init__(self, source: Path, url: str, workers: int, log: Path) -> None:
        self.port = _free_port()
        self.url = url
        command = [str(source / ".venv/bin/hearth"), "serve"]
        if workers > 1 and has_workers(source):
            command += ["--workers", str(workers)]
            self.workers = workers
        else:
            self.workers = 1
        self.log = log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=source,
            env=_env(source, url, self.port),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    async def ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"bench: hearth serve ended; see {self.log.name}")
                try:
                    async with client.get(f"{self.base}/sign-in") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.3)
        raise SystemExit(f"bench: hearth serve did not answer; see {self.log.name}")

    def cpu(self) -> float:
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# ----- clients ------------------------------------------------------------------------------


async def signed_in(base: str, email: str) -> aiohttp.ClientSession:
    """One user: a session of its own (cookies, one kept-alive connection). aiohttp, not httpx:
    the clients share the server's two cores, and httpx spends ~1.9 ms of CPU a request where
    aiohttp spends ~0.2 ms (measured here, 20 clients on one static file)."""
    client = aiohttp.ClientSession(
        base_url=base,
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # the server is an IP address: 127.0.0.1
        connector=aiohttp.TCPConnector(limit=1),
        timeout=aiohttp.ClientTimeout(total=300),
    )
    async with client.get("/sign-in") as answer:
        page = await answer.text()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    form = {"email": email, "password": PASSWORD, "_csrf_token": token.group(1) if token else ""}
    async with client.post("/sign-in", data=form, allow_redirects=False) as answer:
        if answer.status != 303:
            raise SystemExit(f"bench: signing in as {email} answered {answer.status}")
    return client


async def load(
    clients: list[aiohttp.ClientSession],
    path: str,
    seconds: float,
    think: float,
    server: Server,
    at_least: int = 1,
    limited: bool = False,
) -> Result:
    """Each client requests `path` until `seconds` have passed (and at least `at_least` times),
    pausing about `think` seconds between requests (out of step: see the module's doc)."""
    result = Result()
    deadline = time.perf_counter() + seconds

    async def user(client: aiohttp.ClientSession, n: int) -> None:
        pauses = random.Random(f"{path} {n}")  # each user's pauses, the same for every checkout
        done = 0
        if think:
            await asyncio.sleep(pauses.uniform(0, think))
        while time.perf_counter() < deadline or done < at_least:
            done += 1
            started = time.perf_counter()
            try:
                async with client.get(path, allow_redirects=False) as answer:
                    body = await answer.read()
            except (aiohttp.ClientError, TimeoutError):  # aiohttp's timeout is TimeoutError
                result.errors += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            result.bytes = max(result.bytes, len(body))
            if answer.status >= 500:
                result.errors += 1
            elif answer.status != 200:
                result.other += 1
            if think:
                await asyncio.sleep(pauses.uniform(0.5 * think, 1.5 * think))

    cpu, started = server.cpu(), time.perf_counter()
    sweeping = asyncio.create_task(_sweep_limits(server.url)) if limited else None
    try:
        await asyncio.gather(*(user(c, n) for n, c in enumerate(clients)))
    finally:
        if sweeping is not None:  # its failure is the run's: else the refusals are measured
            sweeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeping
    result.seconds = time.perf_counter() - started
    result.cpu = server.cpu() - cpu
    return result


async def _warm(clients: list[aiohttp.ClientSession], path: str) -> None:
    """Every client asks for the screen twice, all at once: each has its own connection, so
    both worker processes and most pooled database connections have, in all likelihood,
    compiled its templates and prepared its statements, as in a server that has run a while.
    Warmed through one client, the other worker met the screen cold in the 20-user mode: a
    second of template compiling and statement preparing in its p95."""

    async def twice(client: aiohttp.ClientSession) -> None:
        for _ in range(2):
            async with client.get(path, allow_redirects=False) as answer:
                await answer.read()

    await asyncio.gather(*(twice(c) for c in clients))


async def _sweep_limits(url: str) -> None:
    """Clear the per-account counts every fifth of a second: a screen under a limit (people
    search: 200 an account in 10 minutes) is measured with its counting, never its refusal.
    The same for every checkout; each search then meets a count just begun, whose clean-up
    of old windows runs more often than in use, and the sweep's DELETE makes it wait now and
    then: a little more than a search costs a practice."""
    conn = await asyncpg.connect(plain_url(url))
    try:
        while True:
            await conn.execute("DELETE FROM rate_limits")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


# ----- the raw-SQL floor --------------------------------------------------------------------

_FORMAT = re.compile(r"%s|%%")


def _numbered(statement: str) -> str:
    """SQLAlchemy's asyncpg dialect may hand the cursor %s placeholders: asyncpg wants $n."""
    if "%s" not in statement:
        return statement
    n = 0

    def number(match: re.Match[str]) -> str:
        nonlocal n
        if match.group() == "%%":
            return "%"
        n += 1
        return f"${n}"

    return _FORMAT.sub(number, statement)


async def floor_ms(url: str, statements: list[tuple[str, Any, bool]], rounds: int = 7) -> float:
    """The statements one after another on one connection, in a transaction rolled back at
    the end (the session and audit writes too): the best of `rounds`, after a warm-up (the
    machine is shared: the best is the steadiest measure of what the SQL itself costs)."""
    conn = await asyncpg.connect(plain_url(url))
    times = []
    try:
        for _ in range(rounds + 1):
            transaction = conn.transaction()
            await transaction.start()
            started = time.perf_counter()
            try:
                for statement, parameters, many in statements:
                    sql = _numbered(statement)
                    if many:
                        await conn.executemany(sql, [tuple(p) for p in parameters])
                    else:
                        await conn.fetch(sql, *(parameters or ()))
                times.append(time.perf_counter() - started)
            finally:
                await transaction.rollback()
    finally:
        await conn.close()
    return min(times[1:]) * 1000


# ----- one checkout on one database ---------------------------------------------------------


def migrate(source: Path, url: str) -> None:
    done = subprocess.run(
        [str(source / ".venv/bin/hearth"), "migrate"],
        cwd=source,
        env=_env(source, url, 0),
        capture_output=True,
        text=True,
    )
    if done.returncode and "Can't locate revision" in done.stderr:
        # A newer checkout migrated this database already: the older code runs on that schema
        # (its added indexes and defaulted columns do not stop it), as the lead compares them.
        print(f"bench: the database is newer than {source}'s migrations; measuring as is")
    elif done.returncode:
        raise SystemExit(f"bench: hearth migrate failed in {source}:\n{done.stderr[-2000:]}")


def capture(source: Path, url: str, found: list[Screen], roles: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        spec, out = Path(folder, "in.json"), Path(folder, "out.pickle")
        spec.write_text(
            json.dumps(
                {
                    "database_url": url,
                    "timezone": TIMEZONE,
                    "password": PASSWORD,
                    "signins": {r: roles[r] for r in {s.role for s in found}},
                    "screens": [[s.name, s.role, s.path] for s in found],
                }
            )
        )
        done = subprocess.run(
            [str(source / ".venv/bin/python"), str(HERE / "capture.py"), str(spec), str(out)],
            cwd=source,
            env=_env(source, url, 0),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"bench: capturing the SQL failed:\n{done.stderr[-3000:]}")
        with out.open("rb") as f:
            return pickle.load(f)


MODES = {"1": (1, 0.0), "20": (20, 0.0), "20t": (20, 1.0)}
LABELS = {"1": "1 user", "20": "20 users", "20t": "20 users, think"}


async def measure(
    source: Path,
    url: str,
    *,
    modes: list[str],
    users: int,
    seconds: float,
    think: float,
    workers: int,
    only: set[str] | None = None,
) -> tuple[list[ScreenReport], int]:
    conn = await asyncpg.connect(plain_url(url))
    try:
        found, roles = await screens(conn)
    finally:
        await conn.close()
    if only:
        found = [s for s in found if s.name in only]
    migrate(source, url)
    conn = await asyncpg.connect(plain_url(url))
    try:
        # The people search's per-account limit is counted in the database (rate_limits): what
        # an earlier checkout or run used up on it would make this one measure the refusal page.
        await conn.execute("DELETE FROM rate_limits")
    finally:
        await conn.close()
    captured = capture(source, url, found, roles)
    reports = []
    for s in found:
        c = captured[s.name]
        if c["status"] != 200:
            print(f"bench: {s.name} ({s.path}) answered {c['status']} in-process", flush=True)
        report = ScreenReport(s, statements=len(c["statements"]), kb=c["bytes"] / 1024)
        report.floor_ms = await floor_ms(url, c["statements"])
        reports.append(report)
    log = Path(tempfile.gettempdir(), f"hearth-bench-serve-{os.getpid()}.log")
    server = Server(source, url, workers, log)
    pools: dict[str, list[aiohttp.ClientSession]] = {}
    try:
        await server.ready()
        most = max(users if m != "1" else 1 for m in modes)
        for role in {s.role for s in found}:
            pools[role] = [await signed_in(server.base, roles[role]) for _ in range(most)]
        for mode in modes:
            count = 1 if mode == "1" else users
            pause = think if mode.endswith("t") else 0.0
            for report in reports:
                s = report.screen
                if mode == modes[0]:
                    await _warm(pools[s.role], s.path)
                clients = pools[s.role][:count]
                # A slow screen still gets a few samples at one user.
                result = await load(
                    clients,
                    s.path,
                    seconds,
                    pause,
                    server,
                    3 if count == 1 else 1,
                    limited=s.limited,
                )
                report.modes[mode] = result
                print(
                    f"bench:   {s.name:28} {mode:>3}: {len(result.latencies):4} requests, "
                    f"p95 {result.pct(95):7.0f} ms, {result.errors} errors, "
                    f"{result.other} other than 200",
                    flush=True,
                )
    finally:
        for pool in pools.values():
            for client in pool:
                await client.close()
        server.stop()
    return reports, server.workers


# ----- passes -------------------------------------------------------------------------------


def order(count: int, passes: int) -> list[int]:
    """The checkouts' indexes in the order they are measured: forward, then backward, and so
    on (A B B A for two passes, A B B A A B for three). On this shared machine the checkout
    measured second is favoured (warm caches, about 30 % less CPU a request): alternating
    puts each checkout second as often as first over an even number of passes."""
    forward = list(range(count))
    return [i for p in range(passes) for i in (forward if p % 2 == 0 else forward[::-1])]


def merge(passes: list[list[ScreenReport]]) -> list[ScreenReport]:
    """One checkout's passes as one report: the latencies pooled (their percentiles exact),
    requests, seconds and CPU summed (req/s and CPU a request over all passes), the floor
    the median of the passes' (it is measured, so it moves with the order too); statements
    and size the first pass's (the same code on the same data gives the same)."""
    merged = []
    for reports in zip(*passes, strict=True):
        first = reports[0]
        if any(r.screen.name != first.screen.name for r in reports):
            raise ValueError(f"passes measured different screens: {first.screen.name}")
        modes = {}
        for m in first.modes:
            results = [r.modes[m] for r in reports]
            modes[m] = Result(
                latencies=[x for r in results for x in r.latencies],
                errors=sum(r.errors for r in results),
                other=sum(r.other for r in results),
                bytes=max(r.bytes for r in results),
                seconds=sum(r.seconds for r in results),
                cpu=sum(r.cpu for r in results),
            )
        floor = statistics.median(r.floor_ms for r in reports)
        merged.append(ScreenReport(first.screen, first.statements, floor, first.kb, modes))
    return merged


def spread(passes: list[list[ScreenReport]]) -> str:
    """How far one checkout's passes differ: over its screens (and modes, for the p50), the
    largest relative difference between the passes' highest and lowest figure."""
    worst: dict[str, tuple[float, str, float, float]] = {}

    def note(label: str, where: str, values: list[float]) -> None:
        values = [v for v in values if v > 0]  # NaN > 0 is False: a pass without requests
        if len(values) > 1 and max(values) / min(values) > worst.get(label, (0.0,))[0]:
            worst[label] = (max(values) / min(values), where, min(values), max(values))

    for reports in zip(*passes, strict=True):
        name = reports[0].screen.name
        for m in reports[0].modes:
            results = [r.modes[m] for r in reports]
            if m == "1":  # the table's cpu/req is mode 1's
                note("cpu/req", name, [r.cpu_ms for r in results])
            note("p50", f"{name}, {LABELS.get(m, m)}", [r.pct(50) for r in results])
    cells = [
        f"{label} up to {(ratio - 1) * 100:.0f} % ({where}: {lo:.1f}-{hi:.1f} ms)"
        for label, (ratio, where, lo, hi) in worst.items()
    ]
    return ", ".join(cells) or "nothing to compare"


# ----- the table ----------------------------------------------------------------------------


def table(rows: list[tuple[str, str, int, list[ScreenReport]]], modes: list[str]) -> str:
    """One line per tier, checkout and screen."""
    head = f"{'tier':7} {'code':10} {'screen':27} {'stmts':>5} {'KB':>6} {'floor':>7} {'ratio':>5}"
    head += f" {'cpu/req':>7}"
    for m in modes:
        label = LABELS.get(m, m)
        head += f" | {label + ' p50/p95/p99 ms':>26} {'req/s':>6} {'5xx':>4}"
    lines = [head, "-" * len(head)]
    for tier, code, _workers, reports in rows:
        for r in reports:
            one = r.modes.get("1")
            ratio = one.pct(50) / r.floor_ms if one and r.floor_ms else float("nan")
            cpu = one.cpu_ms if one else float("nan")
            line = (
                f"{tier:7} {code[:10]:10} {r.screen.name[:27]:27} {r.statements:5} {r.kb:6.0f} "
                f"{r.floor_ms:5.1f}ms {ratio:5.1f} {cpu:5.1f}ms"
            )
            for m in modes:
                res = r.modes.get(m)
                if res is None:
                    line += f" | {'':>26} {'':>6} {'':>4}"
                    continue
                cells = f"{res.pct(50):.0f}/{res.pct(95):.0f}/{res.pct(99):.0f}"
                line += f" | {cells:>26} {res.rate:6.1f} {res.errors:4}"
            lines.append(line)
        lines.append("")
    # The "large / solo p95 at 1 user", per checkout, when both tiers ran.
    by = {(tier, code): reports for tier, code, _, reports in rows}
    for code in dict.fromkeys(code for _, code, _, _ in rows):
        solo, large = by.get(("solo", code)), by.get(("large", code))
        if not (solo and large):
            continue
        small = {r.screen.name: r.modes["1"].pct(95) for r in solo if "1" in r.modes}
        cells = [
            f"{r.screen.name} {r.modes['1'].pct(95) / small[r.screen.name]:.1f}x"
            for r in large
            if "1" in r.modes and small.get(r.screen.name)
        ]
        lines.append(f"large/solo p95 at 1 user ({code}): " + ", ".join(cells))
    # Answers that were not the screen (a refusal, a redirect) make its figures another page's.
    other = [
        f"{tier} {code[:10]} {r.screen.name} ({m}): {res.other}"
        for tier, code, _, reports in rows
        for r in reports
        for m, res in r.modes.items()
        if res.other
    ]
    if other:
        lines.append("answered other than 200: " + ", ".join(other))
    workers = sorted({w for _, _, w, _ in rows})
    lines.append(
        "floor: the screen's statements replayed on asyncpg (best of 7); "
        "ratio: 1-user p50 / floor; "
        f"cpu/req: server CPU per request at 1 user; hearth serve workers: {workers}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("use: python -m bench")
