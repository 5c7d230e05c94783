"""The benchmark's generator (bench/) makes data the app accepts: the solo tier on PostgreSQL,
checked against the invariants the app relies on and loaded through every screen the load
runner measures. Not the benchmark; it keeps the generator from rotting."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.sql import tables as t
from adapters.persistence.sql.audit import SqlAuditLog, create_audit_engine
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.scheduling import _series
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.ids import RandomIds
from bench.capture import capture
from bench.generate import PASSWORD, TIMEZONE, Rows, generate, plain_url
from bench.targets import screens
from bootstrap import message_bus
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import StaffId
from core.services.audit import verify_log
from core.services.billing import invoicing
from core.services.billing.charging import recharge_appointments
from core.services.billing.views import invoices as billing_views
from core.services.shared.use_case import Deps
from tests.conftest import require_or_skip
from tests.support.db import postgres_database, postgres_server, run_sync

# Each query counts rows that break a rule; every count must be 0.
BROKEN = {
    "a provider double-booked": """
        SELECT count(*) FROM appointment_providers a JOIN appointment_providers b
          ON a.staff_id = b.staff_id AND a.appointment_id < b.appointment_id
         AND a.holds_slot AND b.holds_slot
         AND a.start_at < b.end_at AND b.start_at < a.end_at""",
    "attendance of someone not a member that day": f"""
        SELECT count(*) FROM appointment_attendance x JOIN appointments a ON a.id = x.appointment_id
         CROSS JOIN LATERAL (SELECT (a.start_at AT TIME ZONE '{TIMEZONE}')::date AS day) d
         WHERE NOT EXISTS (
           SELECT 1 FROM case_memberships m WHERE m.case_id = a.case_id
              AND m.person_id = x.person_id
              AND m.start_on <= d.day AND (m.end_on IS NULL OR m.end_on >= d.day))""",
    "attendance on a cancelled session": """
        SELECT count(*) FROM appointment_attendance x JOIN appointments a ON a.id = x.appointment_id
         WHERE a.status = 'cancelled'""",
    "a session outside its case's open days": """
        SELECT count(*) FROM appointments a JOIN cases c ON c.id = a.case_id
         WHERE a.start_at::date < c.opened_on - 1 OR a.start_at::date > c.closed_on + 1""",
    "a provider not on the case": """
        SELECT count(*) FROM appointment_providers p JOIN appointments a ON a.id = p.appointment_id
         WHERE NOT EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = a.case_id
                             AND s.staff_id = p.staff_id)""",
    "an open case without exactly one responsible provider": """
        SELECT count(*) FROM cases c WHERE c.status <> 'closed' AND (
          SELECT count(*) FROM case_staff s WHERE s.case_id = c.id
             AND s.duty = 'responsible_provider' AND s.end_on IS NULL) <> 1""",
    "a closed case with a running membership": """
        SELECT count(*) FROM case_memberships m JOIN cases c ON c.id = m.case_id
         WHERE c.status = 'closed' AND m.end_on IS NULL""",
    "billing codes on a session that is not psychotherapy": """
        SELECT count(*) FROM appointment_codes x JOIN appointments a ON a.id = x.appointment_id
          JOIN services s ON s.id = a.service_id WHERE s.service_line <> 'psychotherapy'""",
    # The copies "needs attention" reads (migration 0021): the generator sets them itself.
    "a session whose note_signed is not what its note says": """
        SELECT count(*) FROM appointments a WHERE a.note_signed <> EXISTS (
          SELECT 1 FROM notes n WHERE n.appointment_id = a.id AND n.status <> 'draft')""",
    "an invoice whose paid_minor is not its allocations' sum": """
        SELECT count(*) FROM invoices i WHERE i.paid_minor <> (
          SELECT coalesce(sum(a.amount_minor), 0) FROM invoice_allocations a
           WHERE a.invoice_id = i.id)""",
    "a session whose provider_id is not its first provider": """
        SELECT count(*) FROM appointments a LEFT JOIN appointment_providers p
          ON p.appointment_id = a.id AND p.position = 0
         WHERE a.provider_id IS DISTINCT FROM p.staff_id OR p.staff_id IS NULL""",
    "a session in a series of another case": """
        SELECT count(*) FROM appointments a JOIN series s ON s.id = a.series_id
         WHERE s.case_id <> a.case_id""",
    "a series of a closed case": """
        SELECT count(*) FROM series s JOIN cases c ON c.id = s.case_id WHERE c.status = 'closed'""",
    "staff without a password": """
        SELECT count(*) FROM staff s LEFT JOIN credentials c ON c.staff_id = s.id
         WHERE c.staff_id IS NULL""",
}


# The ledger's rules, each a count of rows that break it.
_OPEN = """i.total_minor - coalesce((SELECT sum(a.amount_minor) FROM invoice_allocations a
                                   WHERE a.invoice_id = i.id), 0)"""
LEDGER_BROKEN = {
    "an invoice whose total is not its lines'": """
        SELECT count(*) FROM invoices i WHERE i.total_minor <> (
          SELECT coalesce(sum(l.amount_minor), 0) FROM invoice_lines l
           WHERE l.invoice_id = i.id)""",
    "a charge on two live invoices": """
        SELECT count(*) FROM (SELECT entry_id FROM invoice_lines WHERE live
                              GROUP BY entry_id HAVING count(*) > 1) x""",
    "a line of a void invoice still live, or of a live one not": """
        SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
         WHERE l.live <> (i.status <> 'void')""",
    "a line billed to another payer, or outside its invoice's period": """
        SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
          JOIN ledger_entries e ON e.id = l.entry_id
         WHERE e.payer_kind <> i.payer_kind OR e.payer_id <> i.payer_id
            OR e.amount_minor <> l.amount_minor
            OR e.occurred_on NOT BETWEEN i.period_start AND i.period_end""",
    "a charge of a past month on no live invoice": """
        SELECT count(*) FROM ledger_entries e WHERE e.kind = 'charge'
           AND e.occurred_on < date_trunc('month', current_date - 1)
           AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.entry_id = e.id AND l.live)""",
    "a charge of a cancelled session": """
        SELECT count(*) FROM ledger_entries e JOIN appointments a ON a.id = e.cause_id
         WHERE a.status = 'cancelled'""",
    "a charge of a participant absent from the session": """
        SELECT count(*) FROM ledger_entries e JOIN appointment_attendance x
            ON x.appointment_id = e.cause_id AND x.person_id = e.cause_participant_id
         WHERE x.mark = 'absent'""",
    "an invoice marked paid or not against what was allocated to it": f"""
        SELECT count(*) FROM invoices i WHERE i.status <> 'void'
           AND (i.status = 'paid') <> ({_OPEN} <= 0)""",
    "an invoice paid more than its total": f"SELECT count(*) FROM invoices i WHERE {_OPEN} < 0",
    "a payment applied otherwise than its allocations say": """
        SELECT count(*) FROM payments p WHERE p.applied_minor <> coalesce(
          (SELECT sum(a.amount_minor) FROM invoice_allocations a
            WHERE a.payment_entry_id = p.id), 0)""",
    "a payment without its ledger entry": """
        SELECT count(*) FROM payments p LEFT JOIN ledger_entries e
            ON e.id = p.id AND e.kind = 'payment' AND e.amount_minor = -p.amount_minor
         WHERE e.id IS NULL""",
    # What a payer owes is what their live invoices still ask, plus what is not billed yet,
    # less what they paid and is not applied yet.
    "a payer whose balance is not their invoices' and unbilled charges'": f"""
        WITH balance AS (SELECT payer_kind, payer_id, sum(amount_minor) AS minor
                           FROM ledger_entries GROUP BY 1, 2),
             asked AS (SELECT payer_kind, payer_id, sum({_OPEN}) AS minor FROM invoices i
                        WHERE status IN ('issued', 'paid') GROUP BY 1, 2),
             unbilled AS (SELECT payer_kind, payer_id, sum(amount_minor) AS minor
                            FROM ledger_entries e WHERE kind = 'charge' AND NOT EXISTS
                                 (SELECT 1 FROM invoice_lines l WHERE l.entry_id = e.id AND l.live)
                           GROUP BY 1, 2),
             credit AS (SELECT payer_kind, payer_id, sum(amount_minor - applied_minor) AS minor
                          FROM payments GROUP BY 1, 2)
        SELECT count(*) FROM balance b
          LEFT JOIN asked a USING (payer_kind, payer_id)
          LEFT JOIN unbilled u USING (payer_kind, payer_id)
          LEFT JOIN credit c USING (payer_kind, payer_id)
         WHERE b.minor <> coalesce(a.minor, 0) + coalesce(u.minor, 0) - coalesce(c.minor, 0)""",
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


async def test_the_solo_tier_keeps_every_invariant(solo: str):
    conn = await asyncpg.connect(plain_url(solo))
    try:
        assert await conn.fetchval("SELECT count(*) FROM appointments") > 2000
        assert await conn.fetchval("SELECT count(DISTINCT kind) FROM cases") == 7
        # Both kinds of held session, so that the flag's check above can fail either way.
        held = await conn.fetch(
            "SELECT note_signed, count(*) FROM appointments WHERE status = 'completed' "
            "GROUP BY note_signed"
        )
        assert {r["note_signed"] for r in held if r["count"] > 10} == {True, False}
        broken = {rule: await conn.fetchval(query) for rule, query in BROKEN.items()}
        # The dropped constraints are back: the double-booking exclusion among them.
        excluded = await conn.fetchval("SELECT count(*) FROM pg_constraint WHERE contype = 'x'")
    finally:
        await conn.close()
    assert broken == dict.fromkeys(BROKEN, 0)
    assert excluded >= 1
    engine = create_audit_engine(solo)
    try:
        report = await verify_log(SqlAuditLog(engine))
    finally:
        await engine.dispose()
    assert report.ok and report.checked > 1000


async def test_the_solo_tier_ledger_keeps_every_rule(solo: str):
    conn = await asyncpg.connect(plain_url(solo))
    try:
        counts = await conn.fetchrow(
            """SELECT (SELECT count(*) FROM ledger_entries WHERE kind = 'charge'),
                      (SELECT count(DISTINCT memo) FROM ledger_entries WHERE kind = 'charge'),
                      (SELECT count(*) FROM ledger_entries WHERE of_total_minor > amount_minor),
                      (SELECT count(*) FROM payments), (SELECT count(*) FROM fee_overrides),
                      (SELECT count(*) FROM invoices WHERE status = 'void'),
                      (SELECT count(*) FROM invoices WHERE replaces IS NOT NULL)"""
        )
        numbers = await conn.fetchrow(
            "SELECT min(number), max(number), count(number), count(*) FROM invoices"
        )
        counter = await conn.fetchval("SELECT last_number FROM invoice_counter WHERE id = 1")
        broken = {rule: await conn.fetchval(query) for rule, query in LEDGER_BROKEN.items()}
    finally:
        await conn.close()
    charges, reasons, split, payments, overrides, voided, reissued = counts
    # Sessions, late cancellations and no-shows; split payers; sliding scales; a few reissues.
    assert charges > 2000 and reasons == 3 and split > 50 and payments > 500 and overrides
    assert voided == reissued > 0
    # Numbered without gaps from 1, every invoice issued, the counter at the last number.
    assert numbers == (1, counter, counter, counter)
    assert broken == dict.fromkeys(LEDGER_BROKEN, 0)


async def test_the_apps_own_billing_finds_the_ledger_as_it_would_have_made_it(solo: str):
    """The attendance handler, run over every past session, has nothing to add or reverse;
    the monthly run of a past month issues nothing; aging has every bucket; a payer's balance
    read by the core is the sum of their entries."""
    tz = ZoneInfo(TIMEZONE)
    now = datetime.now(UTC)
    engine = create_engine(solo)
    try:
        uow_factory = sql_uow_factory(engine)
        deps = Deps(
            uow=uow_factory,
            clock=FixedClock(now),
            ids=RandomIds(),
            audit=MemoryAuditLog(),
            bus=message_bus(),
        )
        async with engine.connect() as conn:
            past = [
                r.id
                for r in await conn.execute(
                    sa.select(t.appointments.c.id).where(t.appointments.c.start_at < now)
                )
            ]
            payer = (
                await conn.execute(
                    sa.select(t.ledger_entries.c.payer_kind, t.ledger_entries.c.payer_id)
                    .group_by(t.ledger_entries.c.payer_kind, t.ledger_entries.c.payer_id)
                    # One who owes or is owed: a balance of 0 would match a sum never read.
                    .having(sa.func.sum(t.ledger_entries.c.amount_minor) != 0)
                    .order_by(sa.func.count().desc())
                    .limit(1)
                )
            ).one()
            entries = await conn.scalar(
                sa.select(sa.func.sum(t.ledger_entries.c.amount_minor)).where(
                    t.ledger_entries.c.payer_kind == payer.payer_kind,
                    t.ledger_entries.c.payer_id == payer.payer_id,
                )
            )
        async with uow_factory() as uow:  # rolled back on leaving
            written = await recharge_appointments(uow, past, tz, new_id=uuid.uuid4, at=now)
            balance = await uow.ledger.payer_balance(
                PayerRef(PayerKind(payer.payer_kind), payer.payer_id), "USD"
            )
        owner = StaffActor(
            id=StaffId(uuid.uuid4()), name="Owner", roles=frozenset({StaffRole.OWNER})
        )
        last_month = date.today().replace(day=1) - timedelta(days=40)
        issued = await invoicing.run_month(
            deps, owner, invoicing.MonthlyRun(month=f"{last_month:%Y-%m}")
        )
        aging = await billing_views.aging(deps, owner)
    finally:
        await engine.dispose()
    assert len(past) > 2000
    assert written == []
    assert issued == []
    assert balance.amount_minor == entries and entries
    assert all(aging.totals), aging.totals


async def test_every_screen_of_the_runner_loads(solo: str):
    conn = await asyncpg.connect(plain_url(solo))
    try:
        found, roles = await screens(conn)
    finally:
        await conn.close()
    assert {"owner", "clinician", "administrator"} <= set(roles)
    assert {"invoice list", "invoice page", "aging", "unbilled", "payer account"} <= {
        s.name for s in found
    }
    answers = await capture(
        {
            "database_url": solo,
            "timezone": TIMEZONE,
            "password": PASSWORD,
            "signins": roles,
            "screens": [[s.name, s.role, s.path] for s in found],
        }
    )
    assert {name: a["status"] for name, a in answers.items()} == {s.name: 200 for s in found}
    assert all(a["statements"] for a in answers.values())


async def test_the_solo_tier_books_running_cases_as_weekly_series(solo: str):
    """Each series' sessions are at starts its rule yields, and its case's sessions at those
    starts are all in it (a holiday's week has none); the rows read back as the domain's."""
    a = t.appointments.c
    engine = create_engine(solo)
    try:
        async with engine.connect() as conn:
            series = {r.id: _series(r) for r in await conn.execute(sa.select(t.series))}
            sessions = (
                await conn.execute(
                    sa.select(a.id, a.case_id, a.start_at, a.series_id).where(
                        a.case_id.in_([s.case_id for s in series.values()])
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert len(series) >= 5
    assert all(s.rule.every_weeks == 1 and s.rule.until for s in series.values())
    yields = {(s.case_id, start): s.id for s in series.values() for start in s.starts()}
    assert len({s.case_id for s in series.values()}) == len(series)  # one series a case
    found = {(r.case_id, r.start_at): r.series_id for r in sessions}
    assert [r for r in sessions if r.series_id and r.series_id not in series] == []
    # Exactly the case's sessions at its series' starts are in the series.
    assert {k: v for k, v in found.items() if v} == {k: v for k, v in yields.items() if k in found}
    # Every series starts with a session, and most of its weeks have one.
    assert all((s.case_id, s.first_start) in found for s in series.values())
    assert len([k for k in yields if k in found]) > 0.85 * len(yields)


def test_a_column_the_generator_does_not_fill_stops_it():
    table = t.people.to_metadata(sa.MetaData())
    table.append_column(sa.Column("nickname", sa.String(20), nullable=False))
    row = {c.name: None for c in t.people.columns}
    with pytest.raises(SystemExit, match=r"people\.nickname"):
        Rows().add(table, [row])
