"""The benchmark's generator (bench/) makes data the app accepts: the solo tier on PostgreSQL,
checked against the invariants the app relies on and loaded through every screen the load
runner measures. Not the benchmark; it keeps the generator from rotting."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.audit import SqlAuditLog, create_audit_engine
from bench.capture import capture
from bench.generate import PASSWORD, TIMEZONE, Rows, generate, plain_url
from bench.targets import screens
from core.services.audit import verify_log
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
    "a session whose provider_id is not its first provider": """
        SELECT count(*) FROM appointments a LEFT JOIN appointment_providers p
          ON p.appointment_id = a.id AND p.position = 0
         WHERE a.provider_id IS DISTINCT FROM p.staff_id OR p.staff_id IS NULL""",
    "staff without a password": """
        SELECT count(*) FROM staff s LEFT JOIN credentials c ON c.staff_id = s.id
         WHERE c.staff_id IS NULL""",
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


async def test_every_screen_of_the_runner_loads(solo: str):
    conn = await asyncpg.connect(plain_url(solo))
    try:
        found, roles = await screens(conn)
    finally:
        await conn.close()
    assert {"owner", "clinician", "administrator"} <= set(roles)
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


def test_a_column_the_generator_does_not_fill_stops_it():
    table = t.people.to_metadata(sa.MetaData())
    table.append_column(sa.Column("nickname", sa.String(20), nullable=False))
    row = {c.name: None for c in t.people.columns}
    with pytest.raises(SystemExit, match=r"people\.nickname"):
        Rows().add(table, [row])
