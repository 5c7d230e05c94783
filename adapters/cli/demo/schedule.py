"""The demo's month: weekly series from four weeks ago to three weeks ahead, booked the week
before they began, and the attendance of every session that has taken place, recorded the day
after: the group with absences and a late cancellation, the Okafor family without Chidi one week
(90846) and with him after (90847), the couple, the teen (booked by Morgan for Dr. Lee), the
Haddad family, Sam's new individual work, the monthly consultation group."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from adapters.cli.demo.loader import Loader
from adapters.cli.demo.staff import Team
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.values import PersonId
from core.services import billing
from core.services import scheduling as sched

SERVICES = {
    # name: (service line, minutes, fee in cents, billing code, late-cancellation and no-show
    # fees as the Services screen takes them)
    "Individual psychotherapy 53": (ServiceLine.PSYCHOTHERAPY, 53, 16000, "90837", "50%", "100%"),
    "Family psychotherapy 50": (ServiceLine.PSYCHOTHERAPY, 50, 17000, "90847", "50%", "100%"),
    "Couple psychotherapy 50": (ServiceLine.PSYCHOTHERAPY, 50, 17000, "90847", "85.00", "170.00"),
    "DBT skills group 90": (ServiceLine.PSYCHOTHERAPY, 90, 6000, "90853", "", "60.00"),
    "Consultation group 90": (ServiceLine.CONSULTATION, 90, 36000, None, "", ""),
    "Parenting workshop 120": (ServiceLine.WORKSHOP, 120, 4000, None, "", ""),
}


class _Booker:
    """Books weekly series from the Monday four weeks ago, each the week before it begins."""

    def __init__(self, d: Loader, services: dict[str, UUID]) -> None:
        self.d = d
        self.services = services
        self.monday: date = d.today - timedelta(days=d.today.weekday(), weeks=4)

    async def series(
        self,
        key: str,
        by: StaffActor,
        weekday: int,
        hour: int,
        service_name: str,
        count: int = 7,
        every_weeks: int = 1,
        first_week: int = 0,
        **details: object,
    ) -> list:
        first = self.monday + timedelta(weeks=first_week, days=weekday)
        self.d.clock.at(first - timedelta(days=7))
        booking = await sched.schedule_appointment(
            self.d.deps,
            by,
            sched.ScheduleAppointment(
                case_id=self.d.cases[key],
                start=datetime.combine(first, datetime.min.time()).replace(hour=hour),
                service_id=self.services[service_name],
                repeat=sched.Repeat(every_weeks=every_weeks, count=count),
                **details,  # type: ignore[arg-type]
            ),
        )
        return booking.appointment_ids


async def _create_services(d: Loader) -> dict[str, UUID]:
    d.clock.at(d.today - timedelta(weeks=6))
    service: dict[str, UUID] = {}
    for name, (line, minutes, fee, code, late, no_show) in SERVICES.items():
        service[name] = await sched.create_service(
            d.deps,
            d.owner,
            sched.CreateService(
                name=name,
                service_line=line,
                minutes=minutes,
                fee_minor=fee,
                billing_code=code,
                late_cancel_fee=late,
                no_show_fee=no_show,
            ),
        )
    return service


async def _book(d: Loader, t: Team) -> dict[str, list]:
    """Every series of the month, by case key, in the order they are booked."""
    b = _Booker(d, await _create_services(d))
    return {
        "group": await b.series(
            "group", t.lee, 1, 18, "DBT skills group 90", provider_ids=(t.lee.id, t.riley.id)
        ),
        "family": await b.series("family", t.lee, 3, 16, "Family psychotherapy 50"),
        "couple": await b.series(
            "couple", t.lee, 2, 17, "Couple psychotherapy 50", location="Room 2"
        ),
        "teen": await b.series(
            "teen", t.morgan, 0, 15, "Individual psychotherapy 53", on_behalf_of=t.lee.id
        ),
        "haddad": await b.series("associate_family", t.riley, 4, 10, "Family psychotherapy 50"),
        "consultation": await b.series(
            "consultation_group",
            t.ana,
            3,
            9,
            "Consultation group 90",
            count=2,
            every_weeks=4,
            first_week=1,
            telehealth=True,
        ),
        "sam": await b.series(
            "sam_individual", t.sofia, 0, 9, "Individual psychotherapy 53", count=4, first_week=4
        ),
        "workshop": await b.series(
            "workshop", t.sofia, 5, 10, "Parenting workshop 120", count=3, first_week=3
        ),
    }


def _absences(s: dict[str, list]) -> dict:
    """Who missed which session (by its number in the series); everyone else attended."""
    group, family, couple = s["group"], s["family"], s["couple"]
    return {
        group[0]: {"Ava Thompson": Attendance.ABSENT},
        group[1]: {"Farah Ali": Attendance.LATE_CANCELLED, "Daniel Kim": Attendance.ABSENT},
        group[2]: {"George Miller": Attendance.NO_SHOW},
        group[3]: {"Ava Thompson": Attendance.ABSENT, "Elena Petrova": Attendance.ABSENT},
        family[0]: {"Chidi Okafor": Attendance.ABSENT},
        family[1]: {"Adaeze Okafor": Attendance.ABSENT},
        couple[2]: {
            "Sam Chen": Attendance.LATE_CANCELLED,
            "Maya Rivera": Attendance.LATE_CANCELLED,
        },
    }


async def schedule_month(d: Loader, t: Team) -> None:
    s = await _book(d, t)
    people = await _people_by_name(d)
    exceptions = _absences(s)
    by = {a: t.lee for k in ("group", "family", "couple", "teen") for a in s[k]}
    by |= {a: t.riley for a in s["haddad"]}
    by |= {a: d.owner for a in s["consultation"]} | {a: t.sofia for a in s["sam"] + s["workshop"]}
    cancelled = {s["couple"][4]}  # the couple asked to move a week in good time
    for appointment_id, actor in by.items():
        await _record(
            d,
            actor,
            appointment_id,
            exceptions.get(appointment_id, {}),
            people,
            cancel=appointment_id in cancelled,
            confirm=appointment_id not in s["group"][3:],
        )


async def _people_by_name(d: Loader) -> dict[PersonId, str]:
    async with d.deps.uow() as uow:
        found = await uow.people.search("", limit=500)
    return {p.id: p.display_name for p in found}


async def _record(
    d: Loader,
    actor: StaffActor,
    appointment_id,
    exceptions: dict[str, Attendance],
    names: dict[PersonId, str],
    *,
    cancel: bool,
    confirm: bool,
) -> None:
    """The day after a session that has taken place: attendance, and the codes confirmed."""
    deps = d.deps
    async with deps.uow() as uow:
        a = await uow.appointments.get(appointment_id)
        case = await uow.cases.get(a.case_id) if a else None
    if a is None or case is None:
        return
    day = a.local_day(deps.tz)
    if cancel:
        d.clock.at(day - timedelta(days=3))
        await sched.cancel_appointment(
            deps, actor, sched.CancelAppointment(appointment_id=a.id, version=a.version)
        )
        return
    if a.end > d.clock.real_now:
        return  # not over yet
    d.clock.at(min(day + timedelta(days=1), d.today))
    marks: dict[PersonId, Attendance | None] = {
        m.person_id: exceptions.get(names.get(m.person_id, ""), Attendance.ATTENDED)
        for m in a.expected(case, deps.tz)
    }
    if not marks:
        return
    done = await sched.record_attendance(
        deps, actor, sched.RecordAttendance(appointment_id=a.id, marks=marks)
    )
    if (
        confirm
        and done.status.value == "completed"
        and case.policy.service_line is ServiceLine.PSYCHOTHERAPY
    ):
        await billing.confirm_codes(
            deps, actor, billing.ConfirmCodes(appointment_id=a.id, version=done.version)
        )
