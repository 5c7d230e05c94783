"""The practice week view with 50 clinicians and 10,000 appointments in the surrounding month.

    .venv/bin/python -m bench.week_view postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.week_view sqlite        # a temporary SQLite file

A PostgreSQL URL names a server: the benchmark creates a scratch database on it, migrates it
and drops it afterwards. It stores a practice of 50 clinicians with 20 individual cases each
and 10,000 sessions from 16 February to 22 March 2026 (six a day per clinician), then times
the week of 2 March: the read model (`schedule_views.calendar`) for the owner's whole-practice
view and for one clinician, and the HTTP route `/schedule` signed in as the owner (the full
page: query, grid and template), each with the number of SQL statements it sent.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from dependency_injector import providers

import bootstrap
from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.migrate import migrate_url
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.passwords import Argon2PasswordHasher
from core.domain.cases.access import StaffActor
from core.domain.cases.case import Case
from core.domain.cases.kinds import CaseKind, ServiceLine
from core.domain.directory.parties import Person, StaffMember, StaffRole
from core.domain.scheduling.appointments import Appointment, ChangeMark
from core.domain.scheduling.services import Service
from core.domain.scheduling.times import aware_utc
from core.domain.shared.values import CaseId, Money, PersonId, StaffId
from core.services.directory import auth
from core.services.scheduling import views
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.use_case import Deps
from tests.support.db import async_url, postgres_database

TZ = "America/New_York"
CLINICIANS, CASES_EACH, APPOINTMENTS = 50, 20, 10_000
WEEK = date(2026, 3, 2)
FIRST_DAY = date(2026, 2, 16)  # the month around that week: five weeks
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
PASSWORD = "a benchmark password"
RUNS = 7


def _practice() -> tuple[StaffMember, list[StaffMember], Service, list[Person], list[Case]]:
    new = uuid.uuid4
    owner = StaffMember(
        StaffId(new()), "Owner", "owner@bench.test", {StaffRole.OWNER, StaffRole.CLINICIAN}
    )
    clinicians = [
        StaffMember(StaffId(new()), f"Dr. C{n:02d}", f"c{n}@bench.test", {StaffRole.CLINICIAN})
        for n in range(CLINICIANS)
    ]
    service = Service(
        new(), "Individual 50", ServiceLine.PSYCHOTHERAPY, 50, Money(15000, "USD"), "90834"
    )
    people, cases = [], []
    for c in clinicians:
        for k in range(CASES_EACH):
            person = Person(
                PersonId(new()), f"Client {c.name} {k}", email=f"{new().hex[:12]}@ex.org"
            )
            people.append(person)
            cases.append(
                Case.open(
                    id=CaseId(new()),
                    kind=CaseKind.INDIVIDUAL,
                    name=f"Case {c.name} {k}",
                    opened_on=date(2026, 1, 5),
                    responsible_provider=c.id,
                    new_id=new,
                    participants=[(person.id, None)],
                )
            )
    return owner, clinicians, service, people, cases


def _appointments(
    clinicians: list[StaffMember], cases: list[Case], service: Service, mark: ChangeMark
) -> list[Appointment]:
    tz = ZoneInfo(TZ)
    found: list[Appointment] = []
    for d in range(35):
        day = FIRST_DAY + timedelta(days=d)
        for ci, c in enumerate(clinicians):
            for slot in range(6):
                if len(found) == APPOINTMENTS:
                    return found
                case = cases[ci * CASES_EACH + (d * 6 + slot) % CASES_EACH]
                local = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + slot)
                start = aware_utc(local, tz)
                found.append(
                    Appointment(
                        id=uuid.uuid4(),
                        case_id=case.id,
                        start=start,
                        end=start + timedelta(minutes=50),
                        providers=(c.id,),
                        service_id=service.id,
                        created=mark,
                    )
                )
    return found


async def _timed(label: str, counter: list[int], run: Callable[[], Awaitable[Any]]) -> None:
    times, counts, size = [], [], 0
    for _ in range(RUNS):
        counter[0] = 0
        started = time.perf_counter()
        size = await run()
        times.append(time.perf_counter() - started)
        counts.append(counter[0])
    print(
        f"  {label}: {size}; median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms over {RUNS} runs; {counts[-1]} SQL statements"
    )


async def bench(url: str) -> None:
    engine = create_engine(url)
    counter = [0]
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a, **k: _count(counter))
    uow = sql_uow_factory(engine)
    clock = FixedClock(NOW, TZ)
    deps = SchedulingDeps.of(Deps(uow=uow, clock=clock, ids=None, audit=MemoryAuditLog()), TZ)  # type: ignore[arg-type]
    owner, clinicians, service, people, cases = _practice()
    started = time.perf_counter()
    async with uow() as u:
        for s in [owner, *clinicians]:
            await u.staff.add(s)
        for p in people:
            await u.people.add(p)
        for c in cases:
            await u.cases.add(c)
        await u.services.add(service)
        await u.commit()
    appointments = _appointments(clinicians, cases, service, ChangeMark(owner.id, NOW))
    for i in range(0, len(appointments), 1000):
        async with uow() as u:
            await u.appointments.add_many(appointments[i : i + 1000])
            await u.commit()
    hasher = Argon2PasswordHasher.fast()
    await auth.set_password(deps, hasher, None, owner.id, PASSWORD)
    print(
        f"{url.split(':')[0]}: {CLINICIANS} clinicians, {len(cases)} cases, "
        f"{len(appointments)} appointments from {FIRST_DAY} to "
        f"{FIRST_DAY + timedelta(days=34)} stored in {time.perf_counter() - started:.1f} s"
    )
    print(f"The week of {WEEK} ({TZ}):")

    async def read_model(actor: StaffActor) -> str:
        week = await views.calendar(deps, actor, views.CalendarQuery(start_day=WEEK))
        return f"{sum(len(d.entries) for d in week.days)} entries"

    await _timed("read model, whole practice", counter, lambda: read_model(StaffActor.of(owner)))
    one = StaffActor.of(clinicians[0])
    await _timed("read model, one clinician", counter, lambda: read_model(one))
    await engine.dispose()
    await _http(url, hasher, clinicians[0].id)


def _count(counter: list[int]) -> None:
    counter[0] += 1


async def _http(url: str, hasher: Argon2PasswordHasher, clinician: StaffId) -> None:
    """The route as a browser gets it, through the application `hearth serve` runs."""
    container = bootstrap.make_container(
        bootstrap.Settings(database_url=url, timezone=TZ, secret_key="b" * 32)
    )
    container.clock.override(providers.Object(FixedClock(NOW, TZ)))
    container.password_hasher.override(providers.Object(hasher))
    counter = [0]
    sa.event.listen(
        container.engine().sync_engine, "before_cursor_execute", lambda *a, **k: _count(counter)
    )
    app = bootstrap.create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await client.get("/sign-in")
        signed = await client.post(
            "/sign-in",
            data={
                "email": "owner@bench.test",
                "password": PASSWORD,
                "_csrf_token": client.cookies["hearth_csrf"],
            },
        )
        assert signed.status_code == 303, signed.text

        async def page(path: str) -> str:
            response = await client.get(path)
            assert response.status_code == 200, response.text[:500]
            entries = response.text.count('class="appt ')
            return f"{entries} entries, {len(response.content) // 1024} KiB"

        await _timed(
            "HTTP GET /schedule, whole practice",
            counter,
            lambda: page(f"/schedule?view=week&start={WEEK}&who=all"),
        )
        await _timed(
            "HTTP GET /schedule, one clinician",
            counter,
            lambda: page(f"/schedule?view=week&start={WEEK}&who={clinician}"),
        )
    await bootstrap.close_database(container)


def main(target: str) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with ExitStack() as stack:
        if target.startswith("sqlite"):
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            asyncio.run(migrate_url(url))
        else:
            url = stack.enter_context(postgres_database(async_url(target)))
        asyncio.run(bench(url))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres")
