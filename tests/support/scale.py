"""How many SQL statements each read model sends, for a practice of any size.

`build(engine, n)` makes a practice of `n` cases (couples spread over twenty clinicians, each with
payers and communication preferences, a history line each) and one case under study with one of
everything. `measure` runs each read model on it and counts statements with a SQLAlchemy event.
The counts must not depend on `n`: `python -m tests.support.scale [URL]` prints them at 10 and
10,000 cases (PostgreSQL by default: DATABASE_URL, as a server to create a scratch database on).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.cases import CHILDREN, _case_values
from adapters.persistence.sql.directory import organization_values, person_values
from adapters.persistence.sql.scheduling import (
    _appointment_values,
    _child_rows,
    _service_values,
)
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from core.domain.cases.access import StaffActor
from core.domain.cases.case import Case
from core.domain.cases.history import HistoryRecord
from core.domain.cases.kinds import CaseKind, MemberRole, ServiceLine
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerRef,
    StaffDuty,
)
from core.domain.directory.parties import Channel, Organization, Person
from core.domain.scheduling.appointments import Appointment, ChangeMark
from core.domain.scheduling.services import Service
from core.domain.shared.values import CaseId, Money, OrganizationId, Period, PersonId
from core.services import directory
from core.services.cases import views as case_views
from core.services.documentation.views import clinical_record
from core.services.scheduling import views
from core.services.scheduling.deps import SchedulingDeps
from tests.support.practice import Practice

CLINICIANS = 20


@dataclass
class Scene:
    practice: Practice
    lee: StaffActor
    case_id: CaseId
    person_id: PersonId
    organization_id: OrganizationId
    appointment_id: uuid.UUID


def _couple(i: int, provider: Any, a: PersonId, b: PersonId, opened: Any) -> Case:
    case = Case.open(
        id=CaseId(uuid.uuid4()),
        kind=CaseKind.COUPLE,
        name=f"Couple {i:05d}",
        opened_on=opened,
        responsible_provider=provider,
        new_id=uuid.uuid4,
        participants=[(a, MemberRole.PARTNER), (b, MemberRole.PARTNER)],
    )
    case.add_billing(BillingResponsibility(uuid.uuid4(), PayerRef.person(b), None, Period(opened)))
    for p in (a, b):
        case.set_communication(CommunicationPreference(p, Channel.EMAIL, reminders=True))
    return case


async def _insert(engine: AsyncEngine, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        async with engine.begin() as conn:
            await conn.execute(sa.insert(table), rows)


async def build(engine: AsyncEngine, n: int) -> Scene:
    practice = await Practice(sql_uow_factory(engine)).setup()
    day = practice.clock.today() - timedelta(days=30)
    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    others = [await practice.staff(f"Clinician {i:02d}") for i in range(CLINICIANS - 2)]
    providers = [lee, kim, *others]
    people: list[Person] = []

    def person(name: str) -> PersonId:
        people.append(Person(PersonId(uuid.uuid4()), name, email=f"p{len(people)}@example.org"))
        return people[-1].id

    maya, sam, helper = person("Maya Rivera"), person("Sam Chen"), person("Rosa Helper")
    eap = Organization(OrganizationId(uuid.uuid4()), "Helping EAP")
    studied = _couple(0, lee.id, maya, sam, day)
    studied.add_staff_duty(uuid.uuid4(), kim.id, StaffDuty.CO_THERAPIST, day)
    studied.add_billing(
        BillingResponsibility(uuid.uuid4(), PayerRef.organization(eap.id), maya, Period(day), 50)
    )
    studied.grant_helper(
        HelperRole(uuid.uuid4(), helper, maya, HelperKind.SCHEDULING_HELPER, Period(day))
    )
    all_cases = [studied]
    # Maya is also in one other case, so "a person's cases" has more than one row.
    all_cases.append(_couple(1, kim.id, maya, person("Second Partner"), day))
    for i in range(2, n):
        all_cases.append(
            _couple(i, providers[i % CLINICIANS].id, person(f"A{i}"), person(f"B{i}"), day)
        )
    all_cases = all_cases[:n] if n >= 2 else all_cases[:1]
    await _insert(engine, t.people, [person_values(p) for p in people])
    await _insert(engine, t.organizations, [organization_values(eap)])
    await _insert(engine, t.cases, [_case_values(c) for c in all_cases])
    for child in CHILDREN:
        await _insert(engine, child.table, [r for c in all_cases for r in child.to_rows(c)])
    now = practice.clock.now()
    events = [
        HistoryRecord(uuid.uuid4(), c.id, now, lee.id, "opened", "Case opened.") for c in all_cases
    ]
    events += [
        HistoryRecord(uuid.uuid4(), studied.id, now, lee.id, "note", f"Change {i}.")
        for i in range(5)
    ]
    await _insert(
        engine,
        t.case_events,
        [
            {
                "id": e.id,
                "case_id": e.case_id,
                "at": e.at,
                "actor_id": e.actor_id,
                "action": e.action,
                "summary": e.summary,
            }
            for e in events
        ],
    )
    appointment_id = await _appointments(engine, practice, all_cases, studied, kim.id)
    return Scene(practice, lee, studied.id, maya, eap.id, appointment_id)


async def _appointments(
    engine: AsyncEngine, practice: Practice, cases: list[Case], studied: Case, co: Any
) -> uuid.UUID:
    """One session per case, ten slots a week per clinician over the weeks around today, and
    a few more of the case under study (with its co-therapist): the bigger the practice, the
    fuller every clinician's year."""
    service = Service(
        uuid.uuid4(), "Couple 50", ServiceLine.PSYCHOTHERAPY, 50, Money(17000, "USD"), "90847"
    )
    await _insert(engine, t.services, [_service_values(service)])
    monday = datetime.combine(practice.clock.today(), clock_time(8), UTC)
    mark = ChangeMark(practice.owner.id, practice.clock.now())

    def session(case: Case, start: datetime, providers: tuple[Any, ...]) -> Appointment:
        return Appointment(
            id=uuid.uuid4(),
            case_id=case.id,
            start=start,
            end=start + timedelta(minutes=50),
            providers=providers,
            service_id=service.id,
            created=mark,
        )

    sessions = []
    for i, case in enumerate(cases):
        k = i // CLINICIANS  # the clinician's k-th case
        week = k // 10 - 4  # from a month back (the cases opened then) into the year ahead
        start = monday + timedelta(weeks=week, days=k % 5, hours=2 * (k // 5 % 2))
        sessions.append(session(case, start, (case.staff[0].staff_id,)))
    studied_sessions = [
        session(studied, monday + timedelta(days=d, hours=11), (sessions[0].providers[0], co))
        for d in range(-14, 15, 7)
    ]
    everything = sessions + studied_sessions
    await _insert(engine, t.appointments, [_appointment_values(a) for a in everything])
    for table in (t.appointment_providers, t.appointment_attendance, t.appointment_codes):
        await _insert(engine, table, [r for a in everything for r in _child_rows(a)[table]])
    return studied_sessions[2].id


def read_models(scene: Scene) -> dict[str, Callable[[], Awaitable[Any]]]:
    deps, owner, lee = scene.practice.deps, scene.practice.owner, scene.lee
    today = scene.practice.clock.today()
    sched = SchedulingDeps.of(deps, "UTC")
    week = views.CalendarQuery(start_day=today - timedelta(days=today.weekday()))
    return {
        "case_overview": lambda: case_views.case_overview(deps, owner, scene.case_id),
        "case_history": lambda: case_views.case_history(deps, owner, scene.case_id),
        "case_page": lambda: case_views.case_page(deps, owner, scene.case_id),
        "list_people (clinician)": lambda: directory.list_people(deps, lee, 50),
        "find_people (clinician)": lambda: directory.find_people(deps, lee, "a", 10),
        "caseload": lambda: case_views.caseload(deps, lee, lee.id),
        "person_cases": lambda: case_views.person_cases(deps, owner, scene.person_id),
        "members_on": lambda: case_views.members_on(deps, owner, scene.case_id, today),
        "case_clinical": lambda: clinical_record.case_clinical(deps, lee, scene.case_id),
        "organization_page": lambda: case_views.organization_page(
            deps, owner, scene.organization_id
        ),
        "list_cases": lambda: case_views.list_cases(deps, owner, case_views.CaseFilter()),
        "list_cases (clinician, text)": lambda: case_views.list_cases(
            deps, lee, case_views.CaseFilter(text="couple 0")
        ),
        "calendar (week, own)": lambda: views.calendar(sched, lee, week),
        "calendar (week, practice)": lambda: views.calendar(sched, owner, week),
        "appointment_page": lambda: views.appointment_page(sched, lee, scene.appointment_id),
        "booking_options": lambda: views.booking_options(sched, lee, scene.case_id),
        "case_schedule_summary": lambda: views.case_schedule_summary(sched, lee, scene.case_id),
        "attendance_grid": lambda: views.attendance_grid(sched, lee, scene.case_id),
    }


def _size(answer: Any) -> int:
    """How many rows the screen shows (for the printout only)."""
    for attr in ("items", "cases", "members_now", "entries", "sessions", "upcoming"):
        if isinstance(getattr(answer, attr, None), list):
            return len(getattr(answer, attr))
    return len(answer) if isinstance(answer, list) else 1


async def measure(engine: AsyncEngine, scene: Scene) -> dict[str, tuple[int, float, int]]:
    """For each read model: (statements sent, seconds, size of the answer)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    result: dict[str, tuple[int, float, int]] = {}
    sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        for name, run in read_models(scene).items():
            statements.clear()
            started = time.perf_counter()
            answer = await run()
            elapsed = time.perf_counter() - started
            size = _size(answer)
            result[name] = (len(statements), elapsed, size)
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
    return result


async def _main(server: str, sizes: list[int]) -> None:
    from adapters.persistence.sql.engine import create_engine
    from tests.support.db import postgres_database

    results = {}
    for n in sizes:
        if server.startswith("sqlite"):
            raise SystemExit("give a PostgreSQL server URL")
        with postgres_database(server) as url:
            engine = create_engine(url)
            try:
                started = time.perf_counter()
                scene = await build(engine, n)
                print(f"{n} cases built in {time.perf_counter() - started:.1f}s", flush=True)
                results[n] = await measure(engine, scene)
            finally:
                await engine.dispose()
    names = list(results[sizes[0]])
    print(f"\n{'read model':32}" + "".join(f"{f'{n} cases':>24}" for n in sizes))
    for name in names:
        cells = "".join(
            f"{results[n][name][0]:>6} stmts {results[n][name][1] * 1000:>7.1f} ms" + " " * 2
            for n in sizes
        )
        print(f"{name:32}{cells}")


if __name__ == "__main__":
    server = (
        sys.argv[1]
        if len(sys.argv) > 1
        else os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    )
    asyncio.run(_main(server, [10, 10_000]))
