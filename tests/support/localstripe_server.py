"""Run localstripe (a stateful fake Stripe) on 127.0.0.1 with its saving to disk off.

Its own CLI listens on every interface and pickles its state to /tmp after each write; this
starts its aiohttp app directly instead. Usage: python -m tests.support.localstripe_server PORT
"""

from __future__ import annotations

import sys

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]
    web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)


if __name__ == "__main__":
    main()
