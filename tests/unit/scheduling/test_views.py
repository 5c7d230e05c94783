"""What the calendar, the appointment page and the case page show of the schedule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import msgspec
import pytest

from core.domain.cases.access import PortalActor
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import Forbidden, InvalidInput, NotFound
from core.services import cases
from core.services import scheduling as s
from core.services.documentation import diagnoses
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at


@pytest.fixture
async def clinic() -> Clinic:
    return await Clinic().setup()


async def test_the_week_view_shows_case_name_and_kind_in_practice_time_and_nothing_clinical(
    clinic,
):
    lee = await clinic.staff("Dr. Lee")
    kim = await clinic.staff("Dr. Kim")
    maya = await clinic.person("Maya Rivera")
    sam = await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    solo = await clinic.case(CaseKind.INDIVIDUAL, kim, (sam, None))
    await diagnoses.add_diagnosis(
        clinic.deps,
        lee,
        diagnoses.AddDiagnosis(
            case_id=couple, person_id=maya, code="F43.20", description="Adjustment disorder"
        ),
    )
    await clinic.book(lee, couple, at(3, 3, 18, 0), repeat=s.Repeat(count=3))
    await clinic.book(kim, solo, at(3, 4, 9, 0))
    # Late evening in New York is the next day in UTC: it must stay on its local day.
    await clinic.book(lee, couple, at(3, 6, 22, 30))

    week = await v.calendar(clinic.deps, lee, v.CalendarQuery(start_day=date(2026, 3, 2)))
    assert [d.day.isoformat() for d in week.days][:1] == ["2026-03-02"] and len(week.days) == 7
    entries = {d.day.isoformat(): d.entries for d in week.days if d.entries}
    assert list(entries) == ["2026-03-03", "2026-03-06"]  # only Dr. Lee's own calendar
    first = entries["2026-03-03"][0]
    assert (first.case_name, first.kind_label, f"{first.start:%H:%M}") == (
        "couple case 2",
        "couple",
        "18:00",
    )
    assert first.expected_count == 2 and first.recorded_count == 0
    assert f"{entries['2026-03-06'][0].start:%H:%M}" == "22:30"
    text = msgspec.json.encode(week).decode()
    for secret in ("Maya", "Sam", "F43", "Adjustment"):
        assert secret not in text
    assert (week.previous_start, week.next_start) == (date(2026, 2, 23), date(2026, 3, 9))

    # The owner's practice view has everyone; a day view has one day.
    practice = await v.calendar(
        clinic.deps, clinic.owner, v.CalendarQuery(start_day=date(2026, 3, 4), days=1)
    )
    assert [e.case_name for d in practice.days for e in d.entries] == ["individual case 1"]
    assert {p.name for p in practice.providers} >= {"Dr. Lee", "Dr. Kim"}

    # Dr. Lee may not open Dr. Kim's calendar; Kim's administrator may.
    with pytest.raises(Forbidden):
        await v.calendar(
            clinic.deps, lee, v.CalendarQuery(start_day=date(2026, 3, 2), provider_ids=(kim.id,))
        )
    admin = await clinic.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(kim,))
    kims = await v.calendar(
        clinic.deps, admin, v.CalendarQuery(start_day=date(2026, 3, 2), provider_ids=(kim.id,))
    )
    assert [e.case_name for d in kims.days for e in d.entries] == ["individual case 1"]
    assert [p.name for p in kims.choosable] == ["Dr. Kim"]


async def test_the_appointment_page_names_the_supervisor_from_the_right_level(clinic):
    """DOMAIN.md scenario 6: an associate's default supervisor, the case's own supervising
    clinician, and one session covered by another supervisor."""
    default = await clinic.staff("Dr. Default", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    lee = await clinic.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    cover = await clinic.staff("Dr. Cover", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    associate = await clinic.staff("Jo Associate", associate=True, supervisor=default)
    person = await clinic.person("Kai Family")
    family = await clinic.case(CaseKind.FAMILY, associate, (person, MemberRole.IDENTIFIED_CLIENT))
    booked = await clinic.book(associate, family, at(2, 3, 15, 0), repeat=s.Repeat(count=3))
    ids = booked.appointment_ids

    page = await v.appointment_page(clinic.deps, associate, ids[0])
    assert (page.supervision.supervisor.name, page.supervision.source) == (
        "Dr. Default",
        "default supervisor of Jo Associate",
    )
    await cases.assign_staff(
        clinic.deps,
        clinic.owner,
        cases.AssignStaff(
            case_id=family, staff_id=lee.id, duty=StaffDuty.SUPERVISOR, from_day=date(2026, 1, 5)
        ),
    )
    page = await v.appointment_page(clinic.deps, associate, ids[0])
    assert (page.supervision.supervisor.name, page.supervision.source) == ("Dr. Lee", "the case")
    await s.change_appointment(
        clinic.deps,
        associate,
        s.ChangeAppointment(
            appointment_id=ids[1],
            version=0,
            start=at(2, 10, 15, 0),
            minutes=50,
            service_id=clinic.services["Family 50"],
            supervisor_id=cover.id,
        ),
    )
    page = await v.appointment_page(clinic.deps, associate, ids[1])
    assert (page.supervision.supervisor.name, page.supervision.source) == (
        "Dr. Cover",
        "this appointment",
    )
    assert page.series is not None
    assert (page.series.position, page.series.total) == (2, 3)
    assert [f"{x.start:%d %H:%M}" for x in page.series.sessions] == [
        "03 15:00",
        "10 15:00",
        "17 15:00",
    ]
    assert page.series.description == "Weekly on Tuesday at 15:00, 3 sessions"
    assert page.fee_minor == 17000 and page.currency == "USD"
    assert page.changed is not None and page.changed.by == "Jo Associate"


async def test_an_administrator_sees_the_schedule_but_not_clinical_content_and_outsiders_nothing(
    clinic,
):
    lee = await clinic.staff("Dr. Lee")
    admin = await clinic.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    outsider = await clinic.staff("Dr. Other")
    person = await clinic.person("Maya Rivera")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None))
    booked = await clinic.book(admin, case_id, at(2, 3, 10, 0))
    page = await v.appointment_page(clinic.deps, admin, booked.appointment_ids[0])
    assert page.created.by == "Pat Admin" and page.created.on_behalf_of == "Dr. Lee"
    assert "view_clinical" not in page.permissions
    with pytest.raises(NotFound):
        await v.appointment_page(clinic.deps, outsider, booked.appointment_ids[0])
    with pytest.raises(NotFound):
        await v.case_schedule_summary(clinic.deps, outsider, case_id)
    # A participant's portal has its own view: the staff pages name other participants.
    with pytest.raises(Forbidden):
        await v.appointment_page(clinic.deps, PortalActor(person), booked.appointment_ids[0])


async def test_the_case_page_shows_the_last_sessions_attendance_and_who_is_expected_next(clinic):
    lee = await clinic.staff("Dr. Lee")
    mother = await clinic.person("Ada Okafor")
    teen = await clinic.person("Chidi Okafor")
    family = await clinic.case(
        CaseKind.FAMILY, lee, (mother, MemberRole.PARENT), (teen, MemberRole.IDENTIFIED_CLIENT)
    )
    booked = await clinic.book(lee, family, at(2, 3, 16, 0), repeat=s.Repeat(count=8))
    ids = booked.appointment_ids
    empty = await v.case_schedule_summary(clinic.deps, lee, family)
    assert empty.last_session is None and len(empty.upcoming) == 5
    assert [p.name for p in empty.next_expected] == ["Ada Okafor", "Chidi Okafor"]

    clinic.now(at(2, 10, 17, 0))
    for appointment_id, marks in (
        (ids[0], {mother: Attendance.ATTENDED, teen: Attendance.ATTENDED}),
        (ids[1], {mother: Attendance.ATTENDED, teen: Attendance.NO_SHOW}),
    ):
        await s.record_attendance(
            clinic.deps, lee, s.RecordAttendance(appointment_id=appointment_id, marks=marks)
        )
    summary = await v.case_schedule_summary(clinic.deps, lee, family)
    assert summary.last_session is not None and summary.last_session.id == ids[1]
    assert [(p.name, p.attendance) for p in summary.last_session.participants] == [
        ("Ada Okafor", "attended"),
        ("Chidi Okafor", "no_show"),
    ]
    assert [u.id for u in summary.upcoming] == ids[2:7]
    assert [p.attendance for p in summary.next_expected] == [None, None]


async def test_a_groups_attendance_grid_is_members_by_sessions(clinic):
    lee = await clinic.staff("Dr. Lee")
    ana, ben, gus = [await clinic.person(f"{n} Member") for n in ("Ana", "Ben", "Gus")]
    group = await clinic.case(
        CaseKind.GROUP,
        lee,
        (ana, MemberRole.GROUP_MEMBER),
        (ben, MemberRole.GROUP_MEMBER),
        capacity=8,
    )
    booked = await clinic.book(
        lee, group, at(1, 6, 18, 0), service="Group 90", repeat=s.Repeat(count=4)
    )
    ids = booked.appointment_ids
    await cases.add_member(
        clinic.deps, lee, cases.AddMember(case_id=group, person_id=gus, joined_on=date(2026, 1, 20))
    )
    clinic.now(at(1, 27, 20, 0))
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(
            appointment_id=ids[0], marks={ana: Attendance.ATTENDED, ben: Attendance.ABSENT}
        ),
    )
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(
            appointment_id=ids[2],
            marks={
                ana: Attendance.ATTENDED,
                ben: Attendance.LATE_CANCELLED,
                gus: Attendance.ATTENDED,
            },
        ),
    )
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=ids[1], version=0)
    )
    grid = await v.attendance_grid(clinic.deps, lee, group, date(2026, 1, 1), date(2026, 2, 28))
    assert [f"{x.start:%m-%d}" for x in grid.sessions] == ["01-06", "01-20", "01-27"]
    assert [(r.name, r.cells, r.attended) for r in grid.rows] == [
        ("Ana Member", ["attended", "attended", ""], 2),
        ("Ben Member", ["absent", "late_cancelled", ""], 0),
        ("Gus Member", [None, "attended", ""], 1),
    ]


class CountingStore:
    """Counts the repository calls (the queries a SQL store would run) of every unit of work."""

    def __init__(self, factory):
        self.factory = factory
        self.calls: list[str] = []

    def __call__(self):
        uow = self.factory()
        for name in ("people", "staff", "cases", "appointments", "services"):
            setattr(uow, name, _Counted(getattr(uow, name), name, self.calls))
        return uow


class _Counted:
    def __init__(self, inner, name, calls):
        self._inner, self._name, self._calls = inner, name, calls

    def __getattr__(self, method):
        target = getattr(self._inner, method)

        async def call(*args, **kw):
            self._calls.append(f"{self._name}.{method}")
            return await target(*args, **kw)

        return call


async def test_schedule_screens_take_the_same_number_of_queries_for_any_number_of_sessions(
    clinic,
):
    lee = await clinic.staff("Dr. Lee")
    counting = CountingStore(clinic.deps.uow)
    deps = s.SchedulingDeps.of(replace(clinic.deps, uow=counting), clinic.deps.timezone)

    async def screens() -> list[int]:
        counts = []
        week = v.CalendarQuery(start_day=date(2026, 3, 2))
        for screen in (
            lambda: v.calendar(deps, lee, week),
            lambda: v.calendar(deps, clinic.owner, week),
            lambda: v.case_schedule_summary(deps, lee, cases_made[0]),
            lambda: v.attendance_grid(deps, lee, cases_made[0]),
            lambda: v.appointment_page(deps, lee, first_ids[0]),
        ):
            counting.calls.clear()
            await screen()
            counts.append(len(counting.calls))
        return counts

    cases_made, first_ids = [], []
    for n in range(8):
        person = await clinic.person(f"Client {n}")
        cases_made.append(await clinic.case(CaseKind.INDIVIDUAL, lee, (person, None)))
    booked = await clinic.book(lee, cases_made[0], at(3, 2, 8, 0), repeat=s.Repeat(count=4))
    first_ids.extend(booked.appointment_ids)
    few = await screens()
    for n, case_id in enumerate(cases_made[1:]):
        await clinic.book(lee, case_id, at(3, 2, 9 + n, 0), repeat=s.Repeat(count=4))
        await clinic.book(lee, case_id, at(3, 4, 9 + n, 0), repeat=s.Repeat(count=4))
    many = await screens()
    assert few == many
    assert max(many) <= 7


async def test_the_booking_form_offers_the_cases_kind_of_services_and_its_clinicians_first(
    clinic,
):
    lee = await clinic.staff("Dr. Lee")
    await clinic.staff("Dr. Abe")
    sup = await clinic.staff("Dr. Sup", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    admin = await clinic.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    consultee = await clinic.person("Rae Consultee")
    case_id = await clinic.case(CaseKind.CONSULTATION, lee, (consultee, None))
    mine = await v.booking_options(clinic.deps, lee, case_id)
    assert [x.name for x in mine.services] == ["Consultation 60"]
    assert [p.name for p in mine.providers] == ["Dr. Lee", "Dr. Abe", "Dr. Ana Owner", "Dr. Sup"]
    assert mine.default_provider_id == lee.id and mine.on_behalf_of is None
    assert [p.name for p in mine.supervisors] == ["Dr. Ana Owner", "Dr. Sup"]
    theirs = await v.booking_options(clinic.deps, admin, case_id)
    assert theirs.on_behalf_of is not None and theirs.on_behalf_of.name == "Dr. Lee"
    with pytest.raises(NotFound):
        await v.booking_options(clinic.deps, sup, case_id)
    # Only someone with the supervisor role covers a session's supervision.
    abe = next(p for p in mine.providers if p.name == "Dr. Abe")
    with pytest.raises(InvalidInput, match="supervisor") as refused:
        await clinic.book(
            lee, case_id, at(2, 3, 10, 0), service="Consultation 60", supervisor_id=abe.id
        )
    assert refused.value.field == "supervisor_id"


async def test_the_schedule_screen_shows_the_summary_the_case_page_shows(clinic):
    """The schedule screen takes its summary from the grid's sessions when the grid holds them
    all, else reads them as the case page does: the same summary either way."""
    lee = await clinic.staff("Dr. Lee")
    maya = await clinic.person("Maya Rivera")
    sam = await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    mondays = (await clinic.book(lee, couple, at(1, 5), repeat=s.Repeat(count=30))).appointment_ids

    async def same(*days: date, case_id=couple) -> v.CaseSchedule:
        panel = await v.schedule_panel(clinic.deps, lee, case_id, *days)
        summary = await v.case_schedule_summary(clinic.deps, lee, case_id)
        assert panel.summary == summary
        return summary

    async def attended(appointment_id) -> None:
        marks = {maya: Attendance.ATTENDED, sam: Attendance.ATTENDED}
        await s.record_attendance(
            clinic.deps, lee, s.RecordAttendance(appointment_id=appointment_id, marks=marks)
        )

    clinic.now(at(1, 13, 12))
    await attended(mondays[0])
    clinic.now(at(5, 20, 12))
    # Weekly: the next five are among the sessions read for the grid (a few weeks past its
    # end); the last one that happened is older than the grid's twelve weeks.
    summary = await same()
    assert summary.last_session is not None and summary.last_session.id == mondays[0]
    assert [u.id for u in summary.upcoming] == mondays[20:25]
    await attended(mondays[19])  # 18 May: in the grid
    summary = await same()
    assert summary.last_session is not None and summary.last_session.id == mondays[19]
    # Twice a week: the grid holds the next five.
    thursdays = await clinic.book(lee, couple, at(5, 21), repeat=s.Repeat(count=8))
    summary = await same()
    assert [u.id for u in summary.upcoming] == [
        thursdays.appointment_ids[0],
        mondays[20],
        thursdays.appointment_ids[1],
        mondays[21],
        thursdays.appointment_ids[2],
    ]
    # A grid of other days than now's: the summary is still the case's.
    await same(date(2026, 1, 1), date(2026, 2, 1))
    await same(date(2026, 9, 1), date(2026, 10, 1))
    clinic.now(at(12, 1, 12))  # after the last session
    summary = await same()
    assert summary.upcoming == [] and summary.last_session is not None
    # Every fourth week: fewer than five in the weeks read, the rest read on their own.
    rare = await clinic.case(CaseKind.INDIVIDUAL, lee, (maya, None))
    booked = await clinic.book(lee, rare, at(12, 2), repeat=s.Repeat(every_weeks=4, count=8))
    summary = await same(case_id=rare)
    assert [u.id for u in summary.upcoming] == booked.appointment_ids[:5]
