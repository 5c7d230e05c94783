"""How many units of work this process has committed, in SQL or in memory: what a cache of a
read kept per process compares, to know that nothing changed since (the header's attention
count, core.services.shared.attention)."""

from __future__ import annotations


class _Commits:
    count = 0


COMMITS = _Commits()


def committed() -> int:
    return COMMITS.count
