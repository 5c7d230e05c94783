"""`python -m bench`: generate the tiers on scratch PostgreSQL databases, run the load runner
against each checkout given, print one table (see README, "Speed").

    .venv/bin/python -m bench --tier solo --tier large --source /work/bench-base --source .
    .venv/bin/python -m bench --tier large --database hearth_bench_large_... --source .
    .venv/bin/python -m bench --passes 2 --source /work/bench-base --source .  # A B B A
"""

from __future__ import annotations

import argparse
import asyncio
import os
from contextlib import ExitStack
from pathlib import Path

from bench.database import exists, on_server, scratch_database
from bench.generate import TIERS, generate
from bench.run import MODES, ScreenReport, measure, merge, order, spread, table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--tier", action="append", choices=TIERS, help="default: solo")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="the PostgreSQL server to create the scratch databases on",
    )
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="[TIER=]NAME",
        help="use this database kept from an earlier run instead of generating the tier",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument(
        "--source",
        action="append",
        type=Path,
        help="a checkout (with its own .venv) to benchmark; repeat to compare; default: .",
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5, help="per screen and mode")
    parser.add_argument("--think", type=float, default=1.0, help="seconds, in mode 20t")
    parser.add_argument("--modes", default="1,20,20t", help=f"of {','.join(MODES)}")
    parser.add_argument("--workers", type=int, default=2, help="if hearth serve has --workers")
    parser.add_argument("--screen", action="append", help="only these screens (by name)")
    parser.add_argument(
        "--passes",
        type=int,
        default=1,
        help="measure the checkouts this many times, in alternate order (A B B A for 2), "
        "and merge each checkout's passes into one row",
    )
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    if args.passes < 1:
        parser.error("--passes must be 1 or more")
    tiers = args.tier or ["solo"]
    sources = [s.resolve() for s in (args.source or [Path(".")])]
    modes = [m for m in args.modes.split(",") if m]
    kept = dict(d.split("=", 1) if "=" in d else (tiers[0], d) for d in args.database)
    rows = []
    notes = []
    for tier in tiers:
        with ExitStack() as stack:
            if tier in kept:
                url = on_server(args.server, kept[tier])
                if not asyncio.run(exists(args.server, kept[tier])):
                    raise SystemExit(f"bench: no database {kept[tier]} on the server")
            else:
                url = stack.enter_context(scratch_database(args.server, tier, keep=args.keep))
                asyncio.run(generate(url, tier))
                if args.keep:
                    print(f"bench: {tier} kept as database {url.rsplit('/', 1)[1]}", flush=True)
            passes: list[list[list[ScreenReport]]] = [[] for _ in sources]
            workers = [1] * len(sources)
            for n, i in enumerate(order(len(sources), args.passes)):  # A B B A ...: see order
                source = sources[i]
                step = (
                    f" (pass {n // len(sources) + 1} of {args.passes})" if args.passes > 1 else ""
                )
                print(f"bench: {tier} on {source}{step}", flush=True)
                reports, workers[i] = asyncio.run(
                    measure(
                        source,
                        url,
                        modes=modes,
                        users=args.users,
                        seconds=args.seconds,
                        think=args.think,
                        workers=args.workers,
                        only=set(args.screen) if args.screen else None,
                    )
                )
                passes[i].append(reports)
            for source, w, each in zip(sources, workers, passes, strict=True):
                rows.append((tier, source.name, w, merge(each)))
                if args.passes > 1:
                    notes.append(f"passes ({tier} {source.name}): {spread(each)}")
    # Below the table: how much the passes of each checkout disagree, i.e. how noisy the run was.
    printed = "\n".join([table(rows, modes), *notes])
    print(printed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(printed + "\n")


if __name__ == "__main__":
    main()
