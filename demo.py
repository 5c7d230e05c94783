"""The demo practice: the scenarios of DOMAIN.md as a practice a visitor can sign in to.

Everything is made through the core's use cases, by the staff member who would really do it, so
the demo obeys every rule the product does and its case history reads naturally. Dates are
relative to the practice's "today": the clock is wound back to the day each step happened, so
the demo always looks current (the group began about five months ago, the couple ten weeks ago).

The demo password is for the demo only: every demo staff member shares it, and it is printed on
the console. Never load the demo into a practice that holds real people.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import msgspec

from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, MemberRole, ServiceLine
from core.domain.cases.responsibilities import HelperKind, PayerKind, StaffDuty
from core.domain.directory.parties import Channel, Licensure, StaffRole
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import Forbidden
from core.domain.shared.values import CaseId, OrganizationId, PersonId
from core.ports import Clock, PasswordHasher
from core.services import cases, directory
from core.services import scheduling as sched
from core.services.directory import auth
from core.services.documentation import diagnoses
from core.services.shared.use_case import Deps

DEMO_PASSWORD = "hearth-demo-2026"  # DEMO ONLY: shared by every demo sign-in, printed in clear
DEMO_DOMAIN = "hearth.example"  # a reserved domain: no demo email can reach a real inbox


class DemoSignIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    email: str
    roles: str  # what the visitor will see when signing in as them, in words


class DemoPractice(msgspec.Struct, frozen=True, kw_only=True):
    sign_ins: list[DemoSignIn]
    cases: dict[str, CaseId]  # scenario key ("couple", "group"...) -> case id


class _ReplayClock:
    """The practice's clock wound back to the day a demo step happened."""

    def __init__(self, real: Clock) -> None:
        self._real = real
        self._day = real.today()

    @property
    def real_today(self) -> date:
        return self._real.today()

    def at(self, day: date) -> None:
        self._day = day

    @property
    def real_now(self) -> datetime:
        return self._real.now()

    def today(self) -> date:
        return self._day

    def now(self) -> datetime:
        return self._real.now() - timedelta(days=(self._real.today() - self._day).days)


def _years_ago(today: date, years: int, days_more: int = 0) -> date:
    """A birthday `years` years (and a few days) before today, for ages that stay true."""
    try:
        return today.replace(year=today.year - years) - timedelta(days=days_more)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) - timedelta(days=days_more)


class _Loader:
    def __init__(self, deps: Deps, hasher: PasswordHasher) -> None:
        self.clock = _ReplayClock(deps.clock)
        # Scheduling deps (a kind of Deps): sessions are booked in the practice's timezone.
        self.deps = sched.SchedulingDeps(
            uow=deps.uow,
            clock=self.clock,
            ids=deps.ids,
            audit=deps.audit,
            timezone=getattr(deps, "timezone", "UTC"),
        )
        self.hasher = hasher
        self.today = self.clock.real_today
        self.sign_ins: list[DemoSignIn] = []
        self.cases: dict[str, CaseId] = {}
        self.owner: StaffActor

    def ago(self, days: int) -> date:
        """A day in the past, with the clock set to it: what happens next happens that day."""
        day = self.today - timedelta(days=days)
        self.clock.at(day)
        return day

    # ----- staff and directory ------------------------------------------------------------------

    async def first_owner(self, name: str, email: str, roles: str) -> StaffActor:
        owner = await directory.create_first_owner(
            self.deps, self.hasher, name, email, DEMO_PASSWORD
        )
        self.sign_ins.append(DemoSignIn(name=name, email=email, roles=roles))
        self.owner = await directory.load_actor(self.deps, owner.staff_id)
        return self.owner

    async def staff(
        self, name: str, email: str, roles: str, *staff_roles: StaffRole, **details: object
    ) -> StaffActor:
        staff_id = await directory.add_staff(
            self.deps,
            self.owner,
            directory.AddStaff(name=name, email=email, roles=frozenset(staff_roles), **details),  # type: ignore[arg-type]
        )
        await auth.set_password(self.deps, self.hasher, None, staff_id, DEMO_PASSWORD)
        self.sign_ins.append(DemoSignIn(name=name, email=email, roles=roles))
        return await directory.load_actor(self.deps, staff_id)

    async def person(self, name: str, **details: object) -> PersonId:
        slug = re.sub(r"[^a-z]+", ".", name.lower().removeprefix("dr. "))
        details.setdefault("email", f"{slug}@example.org")
        details.setdefault("preferred_channel", Channel.EMAIL if details["email"] else Channel.NONE)
        return await directory.register_person(
            self.deps,
            self.owner,
            directory.RegisterPerson(legal_name=name, **details),  # type: ignore[arg-type]
        )

    async def organization(self, name: str, **details: str) -> OrganizationId:
        return await directory.register_organization(
            self.deps, self.owner, directory.RegisterOrganization(name=name, **details)
        )

    # ----- cases --------------------------------------------------------------------------------

    async def open(
        self,
        key: str,
        by: StaffActor,
        kind: CaseKind,
        name: str,
        members: tuple[tuple[PersonId, MemberRole | None], ...] = (),
        payer: cases.Payer | None = None,
        **details: object,
    ) -> CaseId:
        case_id = await cases.open_case(
            self.deps,
            by,
            cases.OpenCase(
                kind=kind,
                name=name,
                responsible_provider_id=by.id,
                participants=tuple(cases.Participant(person_id=p, role=r) for p, r in members),
                opened_on=self.clock.today(),
                payer=payer,
                **details,  # type: ignore[arg-type]
            ),
        )
        self.cases[key] = case_id
        return case_id

    async def join(
        self, by: StaffActor, case_id: CaseId, person: PersonId, role: MemberRole | None = None
    ) -> None:
        await cases.add_member(
            self.deps, by, cases.AddMember(case_id=case_id, person_id=person, role=role)
        )

    async def leave(self, by: StaffActor, case_id: CaseId, person: PersonId) -> None:
        case = await cases.get_case(self.deps, by, case_id)
        membership = next(m for m in case.members_on(self.clock.today()) if m.person_id == person)
        await cases.end_membership(
            self.deps, by, cases.EndMembership(case_id=case_id, membership_id=membership.id)
        )

    async def pays(
        self,
        by: StaffActor,
        case_id: CaseId,
        payer: PersonId | OrganizationId,
        kind: PayerKind = PayerKind.PERSON,
        covers: PersonId | None = None,
    ) -> None:
        await cases.add_billing_responsibility(
            self.deps,
            by,
            cases.AddBillingResponsibility(
                case_id=case_id, payer=cases.Payer(kind=kind, id=payer, covers=covers)
            ),
        )

    async def stops_paying(self, by: StaffActor, case_id: CaseId, payer: PersonId) -> None:
        case = await cases.get_case(self.deps, by, case_id)
        current = next(b for b in case.billing if b.payer.id == payer and b.period.end is None)
        await cases.end_billing_responsibility(
            self.deps,
            by,
            cases.EndBillingResponsibility(case_id=case_id, responsibility_id=current.id),
        )

    async def hears(
        self,
        by: StaffActor,
        case_id: CaseId,
        person: PersonId,
        *,
        reminders: bool = True,
        invoices: bool = False,
        clinical_messages: bool = False,
        portal_access: bool = False,
    ) -> None:
        await cases.set_communication(
            self.deps,
            by,
            cases.SetCommunication(
                case_id=case_id,
                person_id=person,
                channel=Channel.EMAIL,
                reminders=reminders,
                invoices=invoices,
                clinical_messages=clinical_messages,
                portal_access=portal_access,
            ),
        )

    async def helper(
        self, by: StaffActor, case_id: CaseId, helper: PersonId, for_person: PersonId
    ) -> None:
        await cases.grant_helper_role(
            self.deps,
            by,
            cases.GrantHelperRole(
                case_id=case_id,
                helper_id=helper,
                for_person_id=for_person,
                kind=HelperKind.REPRESENTATIVE,
            ),
        )

    async def duty(self, by: StaffActor, case_id: CaseId, staff: StaffActor, duty: StaffDuty):
        await cases.assign_staff(
            self.deps,
            by,
            cases.AssignStaff(case_id=case_id, staff_id=staff.id, duty=duty),
        )

    async def diagnose(
        self, by: StaffActor, case_id: CaseId, person: PersonId, code: str, description: str
    ) -> None:
        await diagnoses.add_diagnosis(
            self.deps,
            by,
            diagnoses.AddDiagnosis(
                case_id=case_id, person_id=person, code=code, description=description
            ),
        )


async def load_demo(
    deps: Deps, hasher: PasswordHasher, *, if_empty: bool = False
) -> DemoPractice | None:
    """Load the demo practice into an empty practice. With `if_empty`, a practice that already
    has staff is left alone and None is returned; without it, that is refused (Forbidden)."""
    d = _Loader(deps, hasher)
    d.ago(200)
    try:
        await d.first_owner(
            "Dr. Ana Owner",
            f"ana@{DEMO_DOMAIN}",
            "owner; clinician and supervisor; runs the sponsored consultation group",
        )
    except Forbidden:
        if if_empty:
            return None
        raise
    await _build(d)
    return DemoPractice(sign_ins=d.sign_ins, cases=d.cases)


async def _build(d: _Loader) -> None:
    """One story, told in order: the staff, then each scenario on the days it happened."""
    today = d.today
    ana = d.owner
    lee = await d.staff(
        "Dr. Grace Lee",
        f"lee@{DEMO_DOMAIN}",
        "licensed clinician and supervisor: the couple, the Okafor family, the teen, DBT group",
        StaffRole.CLINICIAN,
        StaffRole.SUPERVISOR,
    )
    riley = await d.staff(
        "Riley Park",
        f"riley@{DEMO_DOMAIN}",
        "associate clinician, supervised by Dr. Lee: the Haddad family, DBT co-therapist",
        StaffRole.CLINICIAN,
        licensure=Licensure.ASSOCIATE,
        supervisor_id=lee.id,
    )
    sofia = await d.staff(
        "Dr. Sofia Martins",
        f"sofia@{DEMO_DOMAIN}",
        "clinician: Sam's individual work, the parenting workshop",
        StaffRole.CLINICIAN,
    )
    morgan = await d.staff(
        "Morgan Diaz",
        f"morgan@{DEMO_DOMAIN}",
        "administrator supporting Dr. Lee: schedules and money, no clinical panels",
        StaffRole.ADMINISTRATOR,
        supports=frozenset({lee.id}),
    )

    # Scenario 4 — "Tuesday DBT skills": six members from the first Tuesday ~20 weeks ago (the
    # "January"), one joins five weeks later, one leaves four weeks after that; two are paid
    # for by their employer.
    first_tuesday = today - timedelta(weeks=20, days=(today.weekday() - 1) % 7)
    d.clock.at(first_tuesday - timedelta(days=14))
    employer = await d.organization(
        "Northwind Logistics EAP",
        email="eap@northwind.example",
        contact_person="Pat Howard",
    )
    group_people = {
        name: await d.person(name)
        for name in (
            "Ava Thompson",
            "Ben Carter",
            "Chloe Nguyen",
            "Daniel Kim",
            "Elena Petrova",
            "Farah Ali",
            "George Miller",
        )
    }
    d.clock.at(first_tuesday)
    founders = list(group_people.values())[:6]
    group = await d.open(
        "group",
        lee,
        CaseKind.GROUP,
        "Tuesday DBT skills",
        tuple((p, None) for p in founders),
        capacity=10,
        status=CaseStatus.ACTIVE,
    )
    await d.duty(lee, group, riley, StaffDuty.CO_THERAPIST)
    employed = {group_people["Chloe Nguyen"], group_people["Daniel Kim"]}
    for person in founders:
        if person in employed:
            await d.pays(lee, group, employer, PayerKind.ORGANIZATION, covers=person)
        else:
            await d.pays(lee, group, person, covers=person)
        await d.hears(lee, group, person, invoices=person not in employed)
    await d.diagnose(
        lee, group, group_people["Ava Thompson"], "F60.3", "Borderline personality disorder"
    )
    await d.diagnose(
        lee, group, group_people["Elena Petrova"], "F33.1", "Major depressive disorder, recurrent"
    )
    d.clock.at(first_tuesday + timedelta(weeks=5))
    george = group_people["George Miller"]
    await d.join(lee, group, george)
    await d.pays(lee, group, george, covers=george)
    await d.hears(lee, group, george, invoices=True)
    d.clock.at(first_tuesday + timedelta(weeks=9))
    ben = group_people["Ben Carter"]
    await d.leave(lee, group, ben)
    await d.stops_paying(lee, group, ben)

    # Scenario 5 — a consultation group for four clinicians of a clinic that pays for it.
    d.ago(180)
    clinic = await d.organization(
        "Riverside Community Clinic",
        email="accounts@riverside-clinic.example",
        contact_person="Dana Brooks",
    )
    consultees = [
        await d.person(name)
        for name in ("Dr. Hannah Wolfe", "Tom Becker", "Priya Raman", "Luis Ortega")
    ]
    consultation = await d.open(
        "consultation_group",
        ana,
        CaseKind.CONSULTATION_GROUP,
        "Riverside clinic consultation group",
        tuple((p, None) for p in consultees),
        payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=clinic),
        capacity=6,
        status=CaseStatus.ACTIVE,
    )
    for person in consultees:
        await d.hears(ana, consultation, person)

    # Scenario 2 — the Okafor family: the mother alone at the first session, the 14-year-old
    # identified client from the second, the grandmother in the third month; the father, who
    # lives elsewhere, pays and gets invoices only.
    d.ago(125)
    ngozi = await d.person("Ngozi Okafor", mobile="+1 555 010 2020", sms_consent=True)
    chidi = await d.person("Chidi Okafor", date_of_birth=_years_ago(today, 14, 40))
    emeka = await d.person("Emeka Okafor", address="14 Harbour Road, Portside")
    adaeze = await d.person(
        "Adaeze Okafor",
        email=None,
        mobile="+1 555 010 3030",
        sms_consent=True,
        preferred_channel=Channel.SMS,
    )
    d.ago(120)
    family = await d.open(
        "family",
        lee,
        CaseKind.FAMILY,
        "Okafor family",
        ((ngozi, MemberRole.PARENT),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=emeka),
        status=CaseStatus.ACTIVE,
    )
    await d.hears(lee, family, ngozi, clinical_messages=True, portal_access=True)
    await d.hears(lee, family, emeka, reminders=False, invoices=True, portal_access=True)
    d.ago(113)
    await d.join(lee, family, chidi, MemberRole.IDENTIFIED_CLIENT)
    await d.helper(lee, family, ngozi, chidi)
    await d.diagnose(
        lee, family, chidi, "F43.23", "Adjustment disorder with mixed anxiety and depressed mood"
    )
    d.ago(55)
    await d.join(lee, family, adaeze, MemberRole.CAREGIVER)

    # Scenario 3 — a 15-year-old's individual case: the mother represents him and pays, and is
    # not a participant.
    d.ago(95)
    lucas = await d.person("Lucas Bennett", date_of_birth=_years_ago(today, 15, 100))
    claire = await d.person("Claire Bennett", mobile="+1 555 010 4040")
    d.ago(90)
    teen = await d.open(
        "teen",
        lee,
        CaseKind.INDIVIDUAL,
        "Lucas Bennett",
        ((lucas, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=claire),
        status=CaseStatus.ACTIVE,
    )
    await d.helper(lee, teen, claire, lucas)
    await d.hears(lee, teen, lucas)
    await d.hears(lee, teen, claire, invoices=True, portal_access=True)
    await d.diagnose(lee, teen, lucas, "F41.1", "Generalized anxiety disorder")

    # Scenario 1 — Maya & Sam, couples work with Dr. Lee; Sam pays; both get reminders.
    d.ago(75)
    maya = await d.person("Maya Rivera", pronouns="she/her")
    sam = await d.person("Sam Chen", pronouns="he/him", mobile="+1 555 010 5050", sms_consent=True)
    d.ago(70)
    couple = await d.open(
        "couple",
        lee,
        CaseKind.COUPLE,
        "Maya & Sam",
        ((maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)),
        payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
        status=CaseStatus.ACTIVE,
    )
    await d.hears(lee, couple, maya, clinical_messages=True, portal_access=True)
    await d.hears(lee, couple, sam, invoices=True, clinical_messages=True, portal_access=True)
    await d.diagnose(lee, couple, maya, "Z63.0", "Problems in relationship with spouse or partner")
    await d.diagnose(lee, couple, sam, "Z63.0", "Problems in relationship with spouse or partner")

    # Scenario 6 — the associate sees a family under case-level supervision by Dr. Lee, with
    # Morgan supporting the case's administration.
    d.ago(62)
    rania = await d.person("Rania Haddad")
    yusuf = await d.person("Yusuf Haddad", date_of_birth=_years_ago(today, 12, 200))
    d.ago(60)
    haddad = await d.open(
        "associate_family",
        riley,
        CaseKind.FAMILY,
        "Haddad family",
        ((rania, MemberRole.PARENT), (yusuf, MemberRole.IDENTIFIED_CLIENT)),
        payer=cases.Payer(kind=PayerKind.PERSON, id=rania),
        status=CaseStatus.ACTIVE,
    )
    await d.duty(riley, haddad, lee, StaffDuty.SUPERVISOR)
    await d.duty(riley, haddad, morgan, StaffDuty.ADMIN_SUPPORT)
    await d.helper(riley, haddad, rania, yusuf)
    await d.hears(riley, haddad, rania, invoices=True, portal_access=True)
    await d.diagnose(
        riley,
        haddad,
        yusuf,
        "F90.0",
        "Attention-deficit hyperactivity disorder, predominantly inattentive type",
    )

    # A workshop (no diagnoses, not psychotherapy) where a parent from another case takes part.
    d.ago(30)
    workshop_people = [claire] + [await d.person(n) for n in ("Irene Walsh", "Kofi Mensah")]
    d.ago(14)
    workshop = await d.open(
        "workshop",
        sofia,
        CaseKind.WORKSHOP,
        "Mindful parenting workshop",
        tuple((p, None) for p in workshop_people),
        capacity=12,
        status=CaseStatus.ACTIVE,
    )
    for person in workshop_people:
        await d.pays(sofia, workshop, person, covers=person)
        await d.hears(sofia, workshop, person, invoices=True)

    # Scenario 8 — Sam starts individual work with another clinician: one person, two cases.
    d.ago(10)
    sam_case = await d.open(
        "sam_individual",
        sofia,
        CaseKind.INDIVIDUAL,
        "Sam Chen",
        ((sam, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
    )
    await d.hears(sofia, sam_case, sam, invoices=True, portal_access=True)

    # A finished piece of work, so the list shows a closed case too.
    d.ago(300)
    jordan = await d.person("Jordan Blake")
    old = await d.open(
        "closed",
        sofia,
        CaseKind.INDIVIDUAL,
        "Jordan Blake",
        ((jordan, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=jordan),
        status=CaseStatus.ACTIVE,
    )
    d.ago(40)
    await cases.close_case(d.deps, sofia, cases.CloseCase(case_id=old))

    await _schedule_month(d, lee=lee, riley=riley, sofia=sofia, morgan=morgan)
    d.clock.at(today)


# ----- the schedule: a month of sessions around today, with attendance ---------------------------

SERVICES = {
    # name: (service line, minutes, fee in cents, billing code)
    "Individual psychotherapy 53": (ServiceLine.PSYCHOTHERAPY, 53, 16000, "90837"),
    "Family psychotherapy 50": (ServiceLine.PSYCHOTHERAPY, 50, 17000, "90847"),
    "Couple psychotherapy 50": (ServiceLine.PSYCHOTHERAPY, 50, 17000, "90847"),
    "DBT skills group 90": (ServiceLine.PSYCHOTHERAPY, 90, 6000, "90853"),
    "Consultation group 90": (ServiceLine.CONSULTATION, 90, 36000, None),
    "Parenting workshop 120": (ServiceLine.WORKSHOP, 120, 4000, None),
}


async def _schedule_month(
    d: _Loader, *, lee: StaffActor, riley: StaffActor, sofia: StaffActor, morgan: StaffActor
) -> None:
    """Weekly series from four weeks ago to three weeks ahead, booked the week before they
    began, and the attendance of every session that has taken place, recorded the day after:
    the group with absences and a late cancellation, the Okafor family without Chidi one week
    (90846) and with him after (90847), the couple, the teen (booked by Morgan for Dr. Lee),
    the Haddad family, Sam's new individual work, the monthly consultation group."""
    deps, today, ana = d.deps, d.today, d.owner
    d.clock.at(today - timedelta(weeks=6))
    service = {}
    for name, (line, minutes, fee, code) in SERVICES.items():
        service[name] = await sched.create_service(
            deps,
            ana,
            sched.CreateService(
                name=name, service_line=line, minutes=minutes, fee_minor=fee, billing_code=code
            ),
        )
    monday = today - timedelta(days=today.weekday(), weeks=4)

    async def series(
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
        first = monday + timedelta(weeks=first_week, days=weekday)
        d.clock.at(first - timedelta(days=7))
        booking = await sched.schedule_appointment(
            deps,
            by,
            sched.ScheduleAppointment(
                case_id=d.cases[key],
                start=datetime.combine(first, datetime.min.time()).replace(hour=hour),
                service_id=service[service_name],
                repeat=sched.Repeat(every_weeks=every_weeks, count=count),
                **details,  # type: ignore[arg-type]
            ),
        )
        return booking.appointment_ids

    group = await series(
        "group", lee, 1, 18, "DBT skills group 90", provider_ids=(lee.id, riley.id)
    )
    family = await series("family", lee, 3, 16, "Family psychotherapy 50")
    couple = await series("couple", lee, 2, 17, "Couple psychotherapy 50", location="Room 2")
    teen = await series("teen", morgan, 0, 15, "Individual psychotherapy 53", on_behalf_of=lee.id)
    haddad = await series("associate_family", riley, 4, 10, "Family psychotherapy 50")
    consultation = await series(
        "consultation_group",
        ana,
        3,
        9,
        "Consultation group 90",
        count=2,
        every_weeks=4,
        first_week=1,
        telehealth=True,
    )
    sam = await series(
        "sam_individual", sofia, 0, 9, "Individual psychotherapy 53", count=4, first_week=4
    )
    workshop = await series(
        "workshop", sofia, 5, 10, "Parenting workshop 120", count=3, first_week=3
    )

    people = await _people_by_name(d)
    # Who missed which session (by its number in the series); everyone else attended.
    exceptions = {
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
    by = {**{a: lee for a in group + family + couple + teen}, **{a: riley for a in haddad}}
    by |= {a: d.owner for a in consultation} | {a: sofia for a in sam + workshop}
    cancelled = {couple[4]}  # the couple asked to move a week in good time
    for appointment_id, actor in by.items():
        await _record(
            d,
            actor,
            appointment_id,
            exceptions.get(appointment_id, {}),
            people,
            cancel=appointment_id in cancelled,
            confirm=appointment_id not in group[3:],
        )


async def _people_by_name(d: _Loader) -> dict[PersonId, str]:
    async with d.deps.uow() as uow:
        found = await uow.people.search("", limit=500)
    return {p.id: p.display_name for p in found}


async def _record(
    d: _Loader,
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
    marks = {
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
        await sched.confirm_codes(
            deps, actor, sched.ConfirmCodes(appointment_id=a.id, version=done.version)
        )


def print_sign_ins(practice: DemoPractice | None, url: str | None = None) -> None:
    """What `hearth demo` prints: where to go, and who to sign in as."""
    if practice is None:
        print("This practice already has staff: the demo was not loaded.")
        print(f"If it is the demo practice, sign in as ana@{DEMO_DOMAIN} / {DEMO_PASSWORD}.")
        return
    print(f"Demo practice loaded: {len(practice.cases)} cases.")
    if url:
        print(f"Open {url}")
    print(f"Demo sign-ins — password for everyone: {DEMO_PASSWORD}  (demo only)")
    width = max(len(s.email) for s in practice.sign_ins)
    for s in practice.sign_ins:
        print(f"  {s.email:<{width}}  {s.name}: {s.roles}")
