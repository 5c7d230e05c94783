"""The monthly invoice run at the large tier (issue 12, "Speed"): 50,000 sessions charged in a
month to 30,000 payers (people and organizations), issued as one invoice per payer, on
PostgreSQL. Prints the time and the number of SQL statements of the run itself.

    .venv/bin/python -m bench.billing_run --server postgresql://postgres@127.0.0.1:5432/postgres

The charges are written straight into the ledger (as the attendance handler writes them): what
is measured is the run, not the recording of 50,000 attendances.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa

from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.sql import tables as t
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.ids import RandomIds
from bench.database import scratch_database
from bootstrap import message_bus
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import StaffId
from core.services.billing import invoicing
from core.services.shared.use_case import Deps

SESSIONS, PAYERS, ORGANIZATIONS = 50_000, 30_000, 300
MONTH = "2026-11"


async def _seed(engine: sa.ext.asyncio.AsyncEngine, rng: random.Random) -> None:
    people = [uuid.uuid4() for _ in range(PAYERS - ORGANIZATIONS)]
    orgs = [uuid.uuid4() for _ in range(ORGANIZATIONS)]
    service = uuid.uuid4()
    now = datetime(2026, 11, 30, 20, tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(t.people),
            [
                {
                    "id": p,
                    "legal_name": f"Payer {n}",
                    "preferred_name": "",
                    "legal_folded": f"payer {n}",
                    "preferred_folded": "",
                    "pronouns": "",
                    "address": f"{n} Main Street",
                    "preferred_channel": "email",
                    "email": f"payer{n}@example.org",
                    "sms_consent": False,
                }
                for n, p in enumerate(people)
            ],
        )
        await conn.execute(
            sa.insert(t.organizations),
            [
                {
                    "id": o,
                    "name": f"Sponsor {n}",
                    "name_folded": f"sponsor {n}",
                    "address": "",
                    "contact_person": "",
                }
                for n, o in enumerate(orgs)
            ],
        )
        await conn.execute(
            sa.insert(t.services).values(
                id=service,
                name="Individual 50",
                name_folded="individual 50",
                service_line="psychotherapy",
                minutes=50,
                fee_minor=15000,
                currency="USD",
                billing_code="90834",
                active=True,
                version=1,
            )
        )
        payers = [("person", p) for p in people] + [("organization", o) for o in orgs]
        # Every payer has one charge at least; the rest are spread at random (sponsors get many).
        chosen = payers + [rng.choice(payers) for _ in range(SESSIONS - len(payers))]
        rows = []
        for kind, payer in chosen:
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "payer_kind": kind,
                    "payer_id": payer,
                    "kind": "charge",
                    "amount_minor": 15000,
                    "currency": "USD",
                    "occurred_on": date(2026, 11, rng.randint(1, 30)),
                    "recorded_at": now,
                    "cause_kind": "attendance",
                    "cause_id": uuid.uuid4(),
                    "cause_participant_id": None,
                    "case_id": uuid.uuid4(),
                    "participant_id": payer if kind == "person" else None,
                    "service_id": service,
                    "code": "90834",
                    "of_total_minor": 15000,
                    "reverses": None,
                    "recorded_by": None,
                    "memo": "",
                }
            )
        await conn.execute(sa.insert(t.ledger_entries), rows)


async def _run(url: str) -> tuple[int, float, int]:
    engine = create_engine(url)
    try:
        await _seed(engine, random.Random(12))
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
        deps = Deps(
            uow=sql_uow_factory(engine),
            clock=FixedClock(datetime(2026, 12, 1, 7, tzinfo=UTC)),
            ids=RandomIds(),
            audit=MemoryAuditLog(),
            bus=message_bus(),
        )
        owner = StaffActor(
            id=StaffId(uuid.uuid4()), name="Owner", roles=frozenset({StaffRole.OWNER})
        )
        started = time.perf_counter()
        issued = await invoicing.run_month(deps, owner, invoicing.MonthlyRun(month=MONTH))
        seconds = time.perf_counter() - started
        return len(issued), seconds, statements
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.billing_run", description=__doc__)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with scratch_database(args.server, "billing") as url:
        invoices, seconds, statements = asyncio.run(_run(url))
    print(
        f"monthly run, {SESSIONS:,} sessions, {PAYERS:,} payers: {invoices:,} invoices issued in "
        f"{seconds:.1f} s, {statements} SQL statements"
    )


if __name__ == "__main__":
    main()
