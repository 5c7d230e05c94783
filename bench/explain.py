"""`python -m bench.explain`: the plans of the statements a screen sends, on a kept database.

    .venv/bin/python -m bench.explain --database hearth_bench_large_... \\
        --screen "case list (supervisor)" --screen "own week" [--out FILE]

Each screen's statements are captured as the load runner captures them (the app answering one
GET in-process, `bench/capture.py`), then each is run under `EXPLAIN (ANALYZE, BUFFERS)` with
its own parameters, in a transaction rolled back afterwards (the session and audit writes
too). The session's and the signed-in staff member's statements, the same on every screen, are
left out unless `--all`."""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path
from typing import Any

import asyncpg

from bench.database import on_server
from bench.generate import plain_url
from bench.run import _numbered, capture
from bench.targets import screens

# A read: a SELECT, or a WITH whose parts only select (aging's CTEs; not the audit append's).
_READ = re.compile(r"\s*\(?(SELECT\b|WITH\b(?!.*\b(INSERT|UPDATE|DELETE)\b))", re.I | re.S)

# What every signed-in request sends before its screen (tests/integration/test_request_overhead.py).
_OVERHEAD = ("FROM sessions", "AS directory_version")


async def _plans(url: str, statements: list[tuple[str, Any, bool]], everything: bool) -> str:
    conn = await asyncpg.connect(plain_url(url))
    out = []
    try:
        transaction = conn.transaction()
        await transaction.start()
        try:
            for statement, parameters, many in statements:
                if many or not _READ.match(statement):
                    continue  # the plans of reads: the audit append and session writes are not
                if not everything and any(word in statement for word in _OVERHEAD):
                    continue
                rows = await conn.fetch(
                    "EXPLAIN (ANALYZE, BUFFERS) " + _numbered(statement), *(parameters or ())
                )
                out.append(statement.strip() + "\n\n" + "\n".join(r[0] for r in rows))
        finally:
            await transaction.rollback()
    finally:
        await conn.close()
    return "\n\n---\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", required=True, help="a database kept by python -m bench")
    parser.add_argument("--screen", action="append", required=True, help="by the runner's name")
    parser.add_argument("--all", action="store_true", help="the per-request statements too")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    url = on_server(args.server, args.database)

    async def found() -> tuple[list[Any], dict[str, str]]:
        conn = await asyncpg.connect(plain_url(url))
        try:
            return await screens(conn)
        finally:
            await conn.close()

    listed, roles = asyncio.run(found())
    chosen = [s for s in listed if s.name in args.screen]
    missing = set(args.screen) - {s.name for s in chosen}
    if missing:
        raise SystemExit(f"bench.explain: no screen {sorted(missing)}")
    answers = capture(Path(".").resolve(), url, chosen, roles)
    parts = []
    for s in chosen:
        plans = asyncio.run(_plans(url, answers[s.name]["statements"], args.all))
        parts.append(f"## {s.name} ({s.path})\n\n{plans}")
    text = "\n\n".join(parts) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
