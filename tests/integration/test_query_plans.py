"""PostgreSQL reads what the screens ask through indexes: the name searches through the trigram
indexes of migration 0006, a case list's access scopes as one semi-join (no sub-plan per case),
and overlap lookups as an index range bounded on both sides. And the migrated database runs
without JIT (a case list's plan took 250-360 ms to compile for 4 ms of work)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.persistence.sql.cases import SqlCaseRepository
from adapters.persistence.sql.directory import SqlOrganizationRepository, SqlPersonRepository
from adapters.persistence.sql.notes import SqlNoteAttention
from adapters.persistence.sql.scheduling import SqlAppointmentRepository
from core.domain.cases.access import StaffActor, listing_scope
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import StaffId
from core.ports import CaseListQuery


@pytest.fixture(params=["postgres"])
def adapter(request: pytest.FixtureRequest) -> str:
    return request.param


# A few thousand people and cases with words for names, in the transaction of the test only
# (ANALYZE's statistics roll back with it): an empty table's plan is no evidence. The GIN indexes'
# pending lists are flushed, as a database that has been running has them.
_NAMED = """
INSERT INTO people (id, legal_name, preferred_name, legal_folded, preferred_folded, pronouns,
                    email, address, preferred_channel, sms_consent, version)
SELECT gen_random_uuid(), w, '', w, substr(w, 3), '', w || '@mail.test', '', 'email', false, 0
FROM (SELECT md5(g::text) AS w FROM generate_series(1, 3000) g) x;
INSERT INTO cases (id, kind, name, name_folded, status, opened_on, version)
SELECT gen_random_uuid(), 'individual', w, w, 'active', DATE '2026-01-05', 0
FROM (SELECT md5((-g)::text) AS w FROM generate_series(1, 3000) g) x;
INSERT INTO case_memberships (id, case_id, position, person_id, role, start_on)
SELECT gen_random_uuid(), c.id, 0, p.id, 'client', DATE '2026-01-05'
FROM (SELECT id, row_number() OVER () AS n FROM cases) c
JOIN (SELECT id, row_number() OVER () AS n FROM people) p USING (n);
INSERT INTO organizations (id, name, name_folded, address, contact_person, version)
SELECT gen_random_uuid(), w, w, '', '', 0
FROM (SELECT md5((g * 7)::text) AS w FROM generate_series(1, 3000) g) x;
SELECT gin_clean_pending_list(oid) FROM pg_class WHERE relkind = 'i' AND relname LIKE '%_trgm';
ANALYZE people; ANALYZE cases; ANALYZE case_memberships; ANALYZE organizations
"""


# Two years of a ledger: 60,000 charges of 2,000 payers, every one before November on a live
# invoice's line (with its entry's date, as the trigger of migration 0022 holds it).
_LEDGER = """
INSERT INTO ledger_entries (id, payer_kind, payer_id, kind, amount_minor, currency, occurred_on,
                            recorded_at, cause_kind, cause_id, memo)
SELECT gen_random_uuid(), 'person', md5((g % 2000)::text)::uuid, 'charge', 15000, 'USD',
       DATE '2024-12-01' + (g % 720), now(), 'attendance', gen_random_uuid(), ''
FROM generate_series(1, 60000) g;
INSERT INTO invoices (id, payer_kind, payer_id, currency, created_at, period_start, period_end,
                      status, void_reason, total_minor, version)
VALUES ('00000000-0000-0000-0000-000000000001', 'person', md5('0')::uuid, 'USD', now(),
        DATE '2024-12-01', DATE '2026-10-31', 'issued', '', 0, 0);
INSERT INTO invoice_lines (invoice_id, entry_id, position, occurred_on, description,
                           amount_minor, participant_name, live)
SELECT '00000000-0000-0000-0000-000000000001', id, row_number() OVER (), occurred_on, 'Session',
       amount_minor, '', true
FROM ledger_entries WHERE occurred_on < DATE '2026-11-01';
ANALYZE ledger_entries; ANALYZE invoices; ANALYZE invoice_lines
"""


async def _plans(
    engine: AsyncEngine, run: Callable[[AsyncConnection], Awaitable[Any]], rows: str = ""
) -> str:
    """The plans of the statements `run` sends (as sent: bound parameters) after `rows` are
    written, with sequential scans discouraged, as on tables large enough for an index to
    pay."""
    sent: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.startswith(("EXPLAIN", "SET")):
            sent.append((statement, parameters))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", grab)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            for statement in filter(str.strip, rows.split(";")):
                await conn.exec_driver_sql(statement)
            sent.clear()
            await run(conn)
            plans = []
            for statement, parameters in list(sent):
                found = await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                plans.append("\n".join(r[0] for r in found))
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", grab)
    return "\n\n".join(plans)


async def test_the_migrated_database_runs_without_jit(engine: AsyncEngine):
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("SHOW jit")).scalar() == "off"


async def test_name_searches_read_the_trigram_indexes(engine: AsyncEngine):
    people = await _plans(engine, lambda c: SqlPersonRepository(c).search("abc1"), _NAMED)
    for index in ("legal_folded", "preferred_folded"):
        assert f"Bitmap Index Scan on ix_people_{index}_trgm" in people, people
    # An email is compared whole, through the same trigram index (pg_trgm answers equality).
    people = await _plans(
        engine, lambda c: SqlPersonRepository(c).search("abc1@example.org"), _NAMED
    )
    for index in ("legal_folded", "preferred_folded", "email"):
        assert f"Bitmap Index Scan on ix_people_{index}_trgm" in people, people
    organizations = await _plans(
        engine, lambda c: SqlOrganizationRepository(c).search("abc1@example.org"), _NAMED
    )
    for index in ("name_folded", "email"):
        assert f"Bitmap Index Scan on ix_organizations_{index}_trgm" in organizations
    cases = await _plans(
        engine,
        lambda c: SqlCaseRepository(c).list_page(CaseListQuery(today=date.today(), text="maya")),
    )
    for index in ("cases_name_folded", "people_legal_folded", "people_preferred_folded"):
        assert f"Bitmap Index Scan on ix_{index}_trgm" in cases, cases


async def test_a_supervisors_case_list_is_one_semi_join_on_the_staff_index(engine: AsyncEngine):
    supervisor = StaffActor(
        id=StaffId(uuid4()),
        name="Dr. Lee",
        roles=frozenset({StaffRole.CLINICIAN, StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR}),
        supervisees=frozenset({StaffId(uuid4())}),
        supports=frozenset({StaffId(uuid4())}),
    )
    query = CaseListQuery(today=date.today(), visible_to=listing_scope(supervisor))
    plan = await _plans(engine, lambda c: SqlCaseRepository(c).list_page(query))
    first = plan.split("\n\n")[0]
    assert "Semi Join" in first and "ix_case_staff_staff_id_case_id" in first, first
    assert "SubPlan" not in first, first


async def test_overlap_lookups_are_an_index_range_bounded_on_both_sides(engine: AsyncEngine):
    start = datetime(2026, 3, 2, tzinfo=UTC)
    end = start + timedelta(days=7)
    lee = [StaffId(uuid4())]

    def bounded(plan: str, *indexes: str) -> bool:
        """Read through one of `indexes` with the start of the sessions bounded on both sides."""
        lines = plan.splitlines()
        reads = [i for i, line in enumerate(lines) if any(f"using {x} " in line for x in indexes)]
        return any("start_at >" in lines[i + 1] and "start_at <" in lines[i + 1] for i in reads)

    for lookup in (
        lambda c: SqlAppointmentRepository(c).for_providers(lee, start, end),
        lambda c: SqlAppointmentRepository(c).overlapping(lee, start, end),
    ):
        plan = await _plans(engine, lookup)
        assert bounded(plan, "ix_appointment_providers_staff_id_start_at"), plan
    practice = await _plans(
        engine, lambda c: SqlAppointmentRepository(c).for_providers(None, start, end)
    )
    assert bounded(practice, "ix_appointments_start_at"), practice
    cases = await _plans(
        engine, lambda c: SqlAppointmentRepository(c).for_cases([uuid4()], start, end)
    )
    assert bounded(cases, "ix_appointments_case_id_start_at", "ix_appointments_start_at"), cases


async def test_needs_attention_reads_the_partial_indexes_of_what_is_open(engine: AsyncEngine):
    """The owner's totals and a clinician's sessions without a signed note read the partial
    indexes of migration 0021 (held and unsigned; notes in review), not every held session
    anti-joined against the notes (0.3-1 s at the large tier, against 5 ms)."""
    now, lee = datetime.now(UTC), StaffId(uuid4())
    totals = await _plans(engine, lambda c: SqlNoteAttention(c).totals(now))
    assert "Index Only Scan using ix_appointments_held_unsigned" in totals, totals
    assert "on ix_notes_in_review" in totals, totals
    assert "Anti Join" not in totals and "SubPlan" not in totals, totals
    mine = await _plans(engine, lambda c: SqlNoteAttention(c).without_signed_note(lee, now, 50))
    assert "Index Scan using ix_appointments_held_unsigned" in mine, mine
    assert "Anti Join" not in mine and "Sort" not in mine, mine


async def test_the_unbilled_month_reads_the_live_lines_of_the_month_alone(engine: AsyncEngine):
    """The unbilled list leaves out the live lines of the period, read off their index of
    migration 0022 by date (a line's date is its entry's), not looked up once per entry of
    the month among every live line (28,880 lookups, 100 ms, at the large tier)."""
    from adapters.persistence.sql.billing import SqlLedger

    start, end = date(2026, 11, 1), date(2026, 11, 30)
    plan = await _plans(
        engine,
        lambda c: SqlLedger(c).unbilled_payers(start, end, offset=0, limit=25),
        _LEDGER,
    )
    assert "Index Only Scan using ix_invoice_lines_occurred_on_entry_id" in plan, plan
    assert "uq_invoice_lines_live_entry" not in plan, plan
