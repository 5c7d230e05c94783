"""Each screen of the benchmark sends at most its budget of statements, counted over the whole
request (the session, the signed-in staff member, the handler's reads, the audit entry), as
the benchmark's own capture counts them, on its solo tier. The counts do not depend on the
practice's size (tests/integration/test_query_counts.py); this keeps them from growing back:
the appointment page once sent 46, loading its case three times for three panels (each load
seven statements then, two now).

A screen that needs more must say so here, with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from bench.capture import capture
from bench.generate import PASSWORD, TIMEZONE, generate, plain_url
from bench.targets import screens
from tests.conftest import require_or_skip
from tests.support.db import postgres_database, postgres_server, run_sync

# At most, per screen (by the runner's names). Two of every request are fixed: the session,
# the staff member with the directory's version (tests/integration/test_request_overhead.py).
# One more may fall into any request: the practice's details, read again at most once a
# second by each process (PracticeCache), whichever request comes first.
PRACTICE_RECHECK = 1
BUDGET = {
    "case list (clinician)": 4,
    "case list (supervisor)": 4,  # the supervisor's screens: the medium and large tiers only
    "case list (administrator)": 4,
    "case list (text search)": 4,
    "case page": 14,  # with the money box (its payers' balances; their names are the page's)
    "person page": 7,
    "appointment page": 13,  # a series session: its rule and its sessions (series_slots) too
    "attendance grid": 10,  # the summary's sessions from the grid's when it holds them
    "own week": 5,
    "practice day": 5,
    "practice week": 5,
    "people search": 5,
    "needs attention (clinician)": 10,
    "needs attention (supervisor)": 15,
    "needs attention (owner)": 10,
    "attention count (clinician)": 8,  # no participants' names for the count
    "invoice list": 4,
    "invoice list (open)": 4,
    "invoice page": 8,
    "aging": 4,
    "unbilled": 7,  # a page of the payers by name with their count and total, then their charges
    "payer account": 9,
    "payer statement": 9,
}


@pytest.fixture(scope="module")
def solo() -> Iterator[str]:
    with postgres_server() as server:
        if server is None:
            require_or_skip("REQUIRE_DB", "no PostgreSQL server")
            return
        with postgres_database(server) as url:
            run_sync(generate(url, "solo"))
            yield url


async def test_every_screen_stays_within_its_statement_budget(solo: str):
    conn = await asyncpg.connect(plain_url(solo))
    try:
        found, roles = await screens(conn)
    finally:
        await conn.close()
    answers = await capture(
        {
            "database_url": solo,
            "timezone": TIMEZONE,
            "password": PASSWORD,
            "signins": roles,
            "screens": [[s.name, s.role, s.path] for s in found],
            "cold": True,  # the attention count as first asked, not as kept for 30 s
        }
    )
    # Counted on the screen itself: a refusal, an error or a redirect to the sign-in sends
    # fewer statements and would pass any budget.
    refused = {name: a["status"] for name, a in answers.items() if a["status"] != 200}
    assert not refused, f"screens not shown: {refused}"
    sent = {name: len(a["statements"]) for name, a in answers.items()}
    unbudgeted = set(sent) - set(BUDGET)
    assert not unbudgeted, f"give these screens a budget: {sorted(unbudgeted)}"
    over = {
        name: (n, BUDGET[name]) for name, n in sent.items() if n > BUDGET[name] + PRACTICE_RECHECK
    }
    assert not over, f"statements sent, budget: {over}"
    assert all(n > 2 for n in sent.values()), sent  # each screen was counted whole
