"""The calendar's views over HTTP: the time grid places sessions by their real start and length,
widens the hours to every session and offers the free time between them for booking; the whole
practice is a compact week and days of a page of clinicians each, under 200 KB at 200
clinicians with six sessions a day, with nothing clinical."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from core.domain.cases.case import Case
from core.domain.cases.kinds import CaseKind, ServiceLine
from core.domain.directory.parties import Person, StaffMember, StaffRole
from core.domain.scheduling.appointments import Appointment, AppointmentStatus, ChangeMark
from core.domain.scheduling.services import Service
from core.domain.shared.values import CaseId, Money, PersonId, StaffId
from tests.support.stores import commit_without_handlers
from tests.web.conftest import World
from tests.web.scheduling.test_schedule import book_couple, services  # noqa: F401

MONDAY = date(2026, 1, 5)
LIMIT = 200 * 1024  # bytes of HTML a calendar response may take


def _grid_item(page: str, appointment_id: str) -> str:
    found = re.search(
        rf'<li class="([^"]+)"><a class="appt[^"]*" href="/appointments/{appointment_id}"', page
    )
    assert found, f"no grid item for {appointment_id}"
    return found.group(1)


def _booked_id(response) -> str:
    return response.headers["location"].rsplit("/", 1)[1]


def test_a_session_is_placed_by_its_start_and_sized_by_its_length(signed_in, world, services):  # noqa: F811
    lee = signed_in("lee")
    long = _booked_id(book_couple(lee, world, services, start="2026-01-06T10:00", minutes="90"))
    early = _booked_id(book_couple(lee, world, services, start="2026-01-07T06:30"))
    week = lee.get(f"/schedule?start={MONDAY}")
    assert week.status_code == 200
    # The hours widen from 08-18 to the 06:30 session: the grid starts at 06:00.
    assert "tg-h12" in week.text and '<li class="tg-r1 tg-s12">06:00</li>' in week.text
    # Five-minute rows from 06:00: 10:00 is row 49, 90 minutes span 18 rows; 06:30 is row 7.
    assert _grid_item(week.text, long).split()[:2] == ["tg-r49", "tg-s18"]
    assert _grid_item(week.text, early).split()[:2] == ["tg-r7", "tg-s10"]
    # The time a session leaves free is offered: 11:30 after the 90 minutes, and the hour after.
    for at in ("2026-01-06T11%3A30", "2026-01-06T12%3A00"):
        assert f'href="/schedule/new?start={at}&amp;who={world.staff["lee"].id}"' in week.text
    assert "2026-01-06T10%3A00" not in week.text and "2026-01-06T11%3A00" not in week.text
    # A session outside the hours is not a reason to offer booking there: 06:00 on Tuesday is
    # no free slot.
    assert "2026-01-06T06%3A00" not in week.text
    # The grid is a list of links in time order, day by day.
    shown = re.findall(r'<time datetime="([^"]+)"', week.text)
    assert shown == sorted(shown)


def test_a_cancelled_session_frees_its_time_and_stays_shown(signed_in, world, services):  # noqa: F811
    lee = signed_in("lee")
    cancelled = _booked_id(book_couple(lee, world, services, start="2026-01-06T10:00"))
    assert (
        lee.post(
            f"/appointments/{cancelled}/cancel", {"version": "0", "confirmed": "yes"}
        ).status_code
        == 303
    )
    week = lee.get(f"/schedule?start={MONDAY}")
    assert "appt-cancelled" in week.text and "cancelled" in week.text
    assert "2026-01-06T10%3A00" in week.text  # booking that hour again is offered
    # Side by side with the free hour, each in a lane of its own.
    assert _grid_item(week.text, cancelled).split()[2] == "tg-x1"


def _large_practice(world: World, clinicians: int = 200, per_day: int = 6) -> list[StaffMember]:
    """`clinicians` clinicians, each with a case and `per_day` sessions every day of the week of
    MONDAY (50 minutes on the hour from 08:00), stored directly."""
    new = uuid.uuid4
    staff = [
        StaffMember(StaffId(new()), f"Dr. C{n:03d}", f"c{n}@large.test", {StaffRole.CLINICIAN})
        for n in range(clinicians)
    ]
    service = Service(new(), "Large 50", ServiceLine.PSYCHOTHERAPY, 50, Money(1, "USD"), "90834")
    mark = ChangeMark(world.staff["owner"].id, datetime(2026, 1, 1, tzinfo=UTC))
    people, cases, sessions = [], [], []
    for n, s in enumerate(staff):
        person = Person(PersonId(new()), f"Client {n:03d}", email=f"client{n}@large.test")
        case = Case.open(
            id=CaseId(new()),
            kind=CaseKind.INDIVIDUAL,
            name=f"Client {n:03d}",
            opened_on=date(2026, 1, 1),
            responsible_provider=s.id,
            new_id=new,
            participants=[(person.id, None)],
        )
        people.append(person)
        cases.append(case)
        for d in range(7):
            for k in range(per_day):
                start = datetime(2026, 1, 5 + d, 8 + k, tzinfo=UTC)
                sessions.append(
                    Appointment(
                        id=new(),
                        case_id=case.id,
                        start=start,
                        end=start + timedelta(minutes=50),
                        providers=(s.id,),
                        service_id=service.id,
                        created=mark,
                        status=AppointmentStatus.CANCELLED
                        if k == 5
                        else AppointmentStatus.SCHEDULED,
                    )
                )

    async def store() -> None:
        async with world.practice.deps.uow() as u:
            for s in staff:
                await u.staff.add(s)
            for p in people:
                await u.people.add(p)
            for c in cases:
                await u.cases.add(c)
            await u.services.add(service)
            await u.appointments.add_many(sessions)
            await commit_without_handlers(u)

    asyncio.run(store())
    return staff


def test_the_whole_practice_at_200_clinicians_stays_under_200_kb_a_page(signed_in, world):
    staff = _large_practice(world)
    owner = signed_in("owner")
    # The compact week: a row per clinician, 25 a page, each response under the bound.
    seen = []
    for page in range(1, 10):
        week = owner.get(f"/schedule?view=week&start={MONDAY}&who=all&page={page}")
        assert week.status_code == 200
        assert len(week.content) < LIMIT, (page, len(week.content))
        seen += re.findall(r'<th scope="row"><a href="[^"]*">(Dr\. C\d{3})</a></th>', week.text)
    # Every clinician on one page (the seeded practice's three besides), none twice.
    assert sorted(seen) == sorted({s.name for s in staff})
    first = owner.get(f"/schedule?view=week&start={MONDAY}&who=all")
    assert "Clinicians 1\u201325 of 204" in first.text
    row = re.search(r"<tr><th scope=\"row\"><a[^>]*>Dr\. C000</a></th>(.*?)</tr>", first.text)
    assert row, "Dr. C000's row"
    # Five sessions hold their slot each day (the sixth, at 13:00, was cancelled): 5 booked,
    # and 13:00-18:00 free (ten minutes between two sessions are too short to offer).
    assert row.group(1).count("5 booked") == 7
    assert row.group(1).count(">5 h free<") == 7
    c000 = staff[0].id
    assert f"/schedule/new?start=2026-01-05T13%3A00&amp;who={c000}" in row.group(1)
    # Nothing clinical and no case named in the practice week.
    assert "Client 000" not in first.text
    # The practice day: a column per clinician, twelve a page, under the bound too.
    for page in (1, 9, 17):
        day = owner.get(f"/schedule?view=day&start=2026-01-07&who=all&page={page}")
        assert day.status_code == 200
        assert len(day.content) < LIMIT, (page, len(day.content))
        assert day.text.count('class="tg-col"') + day.text.count('class="tg-col today"') <= 12
    # A count in the week opens the day page that holds that clinician's column.
    last = owner.get(f"/schedule?view=week&start={MONDAY}&who=all&page=6")
    target = re.search(r'href="(/schedule\?[^"]*)#c-' + str(staff[130].id) + '"', last.text)
    assert target, "a link to Dr. C130's column"
    day = owner.get(target.group(1).replace("&amp;", "&"))
    assert f'id="c-{staff[130].id}"' in day.text and "Dr. C130" in day.text


def test_the_practice_is_found_by_a_clinicians_name_and_paged(signed_in, world):
    _large_practice(world, clinicians=30, per_day=1)
    owner = signed_in("owner")
    found = owner.get(f"/schedule?view=day&start={MONDAY}&who=all&find=c01")
    names = re.findall(r'<h2 class="tg-title"><a href="[^"]*">([^<]+)</a></h2>', found.text)
    assert names == [f"Dr. C{n:03d}" for n in range(10, 20)]
    assert "Clinicians 1\u201310 of 10" in found.text and 'value="c01"' in found.text
    nobody = owner.get(f"/schedule?view=day&start={MONDAY}&who=all&find=zz")
    assert "No clinician whose name contains “zz”" in nobody.text
    paged = owner.get(f"/schedule?view=day&start={MONDAY}&who=all&page=2")
    assert "Clinicians 13\u201324 of 34" in paged.text
    assert "Next clinicians" in paged.text and "Previous clinicians" in paged.text
    beyond = owner.get(f"/schedule?view=day&start={MONDAY}&who=all&page=99")
    assert beyond.status_code == 200 and "Clinicians 25\u201334 of 34" in beyond.text
    for bad in ("0", "-1", "abc", "99999999999"):
        refused = owner.get(f"/schedule?who=all&page={bad}")
        assert refused.status_code == 422, bad
    # A clinician sees only whom they work with, whatever the filter.
    kim = signed_in("kim").get(f"/schedule?view=day&start={MONDAY}&who=all&find=c")
    assert "Dr. C0" not in kim.text


@pytest.mark.parametrize("who", ["lee", "pat"])
def test_the_week_of_several_is_compact_and_names_no_case(signed_in, world, services, who):  # noqa: F811
    book_couple(signed_in("lee"), world, services, start="2026-01-06T10:00")
    week = signed_in(who).get(f"/schedule?view=week&start={MONDAY}&who=all")
    assert week.status_code == 200
    assert 'class="cal-week"' in week.text and "Maya &amp; Sam" not in week.text
    assert "1 booked" in week.text
