"""The replay clock and the loader: the small steps (hire, register, open, join, pay...) each
demo scenario is written in, each through the core's use cases, on the day the clock says."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import msgspec

from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import HelperKind, PayerKind, StaffDuty
from core.domain.directory.parties import Channel, StaffRole
from core.domain.shared.values import CaseId, OrganizationId, PersonId
from core.ports import Clock, PasswordHasher
from core.services import cases, directory
from core.services import scheduling as sched
from core.services.directory import auth
from core.services.documentation import diagnoses, plans
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


class ReplayClock:
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


def years_ago(today: date, years: int, days_more: int = 0) -> date:
    """A birthday `years` years (and a few days) before today, for ages that stay true."""
    try:
        return today.replace(year=today.year - years) - timedelta(days=days_more)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) - timedelta(days=days_more)


class Loader:
    def __init__(self, deps: Deps, hasher: PasswordHasher) -> None:
        self.clock = ReplayClock(deps.clock)
        # Scheduling deps (a kind of Deps): sessions are booked in the practice's timezone.
        self.deps = sched.SchedulingDeps.of(
            replace(deps, clock=self.clock), getattr(deps, "timezone", "UTC")
        )
        self.hasher = hasher
        self.today = self.clock.real_today
        self.sign_ins: list[DemoSignIn] = []
        self.cases: dict[str, CaseId] = {}
        self.people: dict[str, PersonId] = {}  # by name, for scenarios that share a person
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
        command = directory.AddStaff(
            name=name,
            email=email,
            roles=frozenset(staff_roles),
            **details,  # type: ignore[arg-type]
        )
        staff_id = await directory.add_staff(self.deps, self.owner, command)
        # The demo's known sign-ins: the loader writes the password to the store as the practice
        # itself (actor None), which no screen can do (staff come by invitation there).
        await auth.set_password(self.deps, self.hasher, None, staff_id, DEMO_PASSWORD)
        self.sign_ins.append(DemoSignIn(name=name, email=email, roles=roles))
        return await directory.load_actor(self.deps, staff_id)

    async def person(self, name: str, **details: object) -> PersonId:
        slug = re.sub(r"[^a-z]+", ".", name.lower().removeprefix("dr. "))
        details.setdefault("email", f"{slug}@example.org")
        details.setdefault("preferred_channel", Channel.EMAIL if details["email"] else Channel.NONE)
        person_id = await directory.register_person(
            self.deps,
            self.owner,
            directory.RegisterPerson(legal_name=name, **details),  # type: ignore[arg-type]
        )
        self.people[name] = person_id
        return person_id

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
        opened_by: StaffActor | None = None,  # someone else opens it for `by`
        **details: object,
    ) -> CaseId:
        case_id = await cases.open_case(
            self.deps,
            opened_by or by,
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
        self,
        by: StaffActor,
        case_id: CaseId,
        person: PersonId,
        code: str,
        description: str,
        primary: bool = False,
    ) -> None:
        await diagnoses.add_diagnosis(
            self.deps,
            by,
            diagnoses.AddDiagnosis(
                case_id=case_id,
                person_id=person,
                code=code,
                description=description,
                primary=primary,
            ),
        )

    async def plan(self, by: StaffActor, command: plans.WritePlan) -> None:
        """A treatment plan version written and signed by `by` on the clock's day."""
        written = await plans.write_plan(self.deps, by, command)
        await plans.sign_plan(
            self.deps, by, plans.SignPlan(case_id=command.case_id, plan_id=written.id)
        )
