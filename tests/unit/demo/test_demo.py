"""The demo practice holds every scenario of DOMAIN.md, in the right shape, dated around today."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.cli import demo
from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.memory.unit_of_work import memory_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.ids import SequentialIds
from adapters.system.passwords import Argon2PasswordHasher
from bootstrap import message_bus
from core.domain.cases.access import Permission, StaffActor
from core.domain.directory.parties import Channel
from core.domain.shared.errors import Forbidden, NotFound, RecordNotAllowed
from core.services import directory
from core.services.cases import views as case_views
from core.services.directory import auth
from core.services.documentation import diagnoses
from core.services.documentation.plans_due import plans_due_for_review
from core.services.documentation.views.clinical_record import (
    DiagnosisView,
    case_clinical,
    case_diagnoses,
)
from core.services.shared.use_case import Deps

HASHER = Argon2PasswordHasher.fast()


class Demo:
    def __init__(self, deps: Deps, practice: demo.DemoPractice) -> None:
        self.deps = deps
        self.practice = practice
        self.today = deps.clock.today()

    async def actor(self, email: str) -> StaffActor:
        staff_id = await auth.sign_in(self.deps, HASHER, email, demo.DEMO_PASSWORD)
        return await directory.load_actor(self.deps, staff_id)

    async def overview(self, key: str, as_email: str) -> case_views.CaseOverview:
        actor = await self.actor(as_email)
        return await case_views.case_overview(self.deps, actor, self.practice.cases[key])

    async def diagnoses(self, key: str, as_email: str) -> list[DiagnosisView] | None:
        actor = await self.actor(as_email)
        return await case_diagnoses(self.deps, actor, self.practice.cases[key])

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


async def load(at: datetime) -> Demo:
    deps = Deps(
        uow=memory_uow_factory(),
        clock=FixedClock(at),
        ids=SequentialIds(),
        audit=MemoryAuditLog(),
        bus=message_bus(),
    )
    practice = await demo.load_demo(deps, HASHER)
    assert practice is not None
    return Demo(deps, practice)


@pytest.fixture(scope="module")
def d() -> Demo:
    """Loaded once for the module: these tests only read the demo (the in-memory practice is
    bound to no event loop, so each test's own loop may read it)."""
    return asyncio.run(load(datetime(2026, 11, 27, 9, 30, tzinfo=UTC)))


LEE = "lee@hearth.example"
OWNER = "ana@hearth.example"
ADMIN = "morgan@hearth.example"


async def test_every_demo_sign_in_works_with_the_printed_password(d: Demo):
    emails = [s.email for s in d.practice.sign_ins]
    assert emails == [
        OWNER,
        LEE,
        "riley@hearth.example",
        "sofia@hearth.example",
        ADMIN,
    ]
    for email in emails:
        assert (await d.actor(email)).id
    with pytest.raises(auth.SignInFailed):
        await auth.sign_in(d.deps, HASHER, LEE, "not-the-demo-password")


async def test_the_owner_finds_every_scenario_case_in_the_case_list(d: Demo):
    owner = await d.actor(OWNER)
    page = await case_views.list_cases(d.deps, owner, case_views.CaseFilter())
    assert page.total == len(d.practice.cases) == 9
    by_name = {c.name: c for c in page.items}
    assert {n: (c.kind_label, c.provider_name, c.status) for n, c in by_name.items()} == {
        "Haddad family": ("family", "Riley Park", "active"),
        "Lucas Bennett": ("client", "Dr. Grace Lee", "active"),
        "Maya & Sam": ("couple", "Dr. Grace Lee", "active"),
        "Mindful parenting workshop": ("workshop", "Dr. Sofia Martins", "active"),
        "Okafor family": ("family", "Dr. Grace Lee", "active"),
        "Riverside clinic consultation group": ("consultation group", "Dr. Ana Owner", "active"),
        "Sam Chen": ("client", "Dr. Sofia Martins", "intake"),
        "Tuesday DBT skills": ("group", "Dr. Grace Lee", "active"),
        "Jordan Blake": ("client", "Dr. Sofia Martins", "closed"),
    }


async def test_the_couple_has_two_partners_sam_pays_and_both_get_reminders(d: Demo):
    o = await d.overview("couple", LEE)
    assert o.opened_on == d.ago(70)
    assert [(m.name, m.role) for m in o.members_now] == [
        ("Maya Rivera", "partner"),
        ("Sam Chen", "partner"),
    ]
    assert [(p.payer_name, p.covers_name) for p in o.payers or []] == [("Sam Chen", "whole case")]
    assert {c.name for c in o.communication if c.reminders} == {"Maya Rivera", "Sam Chen"}
    assert {c.name for c in o.communication if c.invoices} == {"Sam Chen"}
    assert {dx.code for dx in await d.diagnoses("couple", LEE) or []} == {"Z63.0"}


async def test_the_okafor_family_grows_and_the_father_only_pays(d: Demo):
    o = await d.overview("family", LEE)
    joined = {m.name: (m.role, m.joined_on) for m in o.members_now}
    assert joined == {
        "Ngozi Okafor": ("parent", d.ago(120)),
        "Chidi Okafor": ("identified client", d.ago(113)),
        "Adaeze Okafor": ("caregiver", d.ago(55)),
    }
    assert 60 <= (d.ago(55) - o.opened_on).days <= 90  # the grandmother joins in month 3
    assert [(p.payer_name, p.covers_name) for p in o.payers or []] == [
        ("Emeka Okafor", "whole case")
    ]
    father = next(c for c in o.communication if c.name == "Emeka Okafor")
    assert (father.invoices, father.reminders, father.clinical_messages) == (True, False, False)
    assert "Emeka Okafor" not in {m.name for m in o.members_now + o.members_before}
    chidi = await directory.get_person(d.deps, await d.actor(LEE), o.members_now[1].person_id)
    assert chidi.date_of_birth is not None
    assert chidi.preferred_channel is Channel.EMAIL
    assert (d.today - chidi.date_of_birth).days // 365 == 14


async def test_the_teen_is_represented_and_paid_for_by_his_mother(d: Demo):
    o = await d.overview("teen", LEE)
    assert [(m.name, m.role) for m in o.members_now] == [("Lucas Bennett", "client")]
    assert [(h.helper_name, h.kind, h.for_name) for h in o.helpers] == [
        ("Claire Bennett", "representative", "Lucas Bennett")
    ]
    assert [p.payer_name for p in o.payers or []] == ["Claire Bennett"]
    mother = next(c for c in o.communication if c.name == "Claire Bennett")
    assert mother.invoices and not mother.clinical_messages


async def test_the_dbt_group_began_with_six_and_churned(d: Demo):
    o = await d.overview("group", LEE)
    start = o.opened_on
    assert start.weekday() == 1  # a Tuesday
    assert 140 <= (d.today - start).days < 147
    assert len(o.members_now) == 6
    assert [m.name for m in o.members_before] == ["Ben Carter"]
    assert o.members_before[0].left_on == start + timedelta(weeks=9)
    george = next(m for m in o.members_now if m.name == "George Miller")
    assert george.joined_on == start + timedelta(weeks=5)
    assert sum(1 for m in o.members_now if m.joined_on == start) == 5
    current = {p.covers_name: p.payer_name for p in o.payers or [] if p.until is None}
    assert len(current) == 6
    assert sorted(c for c, payer in current.items() if payer == "Northwind Logistics EAP") == [
        "Chloe Nguyen",
        "Daniel Kim",
    ]
    assert all(payer == covers for covers, payer in current.items() if "Northwind" not in payer)
    assert [c.name for c in o.co_therapists] == ["Riley Park"]


async def test_the_sponsored_consultation_group_has_no_psychotherapy_records(d: Demo):
    owner = await d.actor(OWNER)
    o = await case_views.case_overview(d.deps, owner, d.practice.cases["consultation_group"])
    assert o.kind_label == "consultation group"
    assert len(o.members_now) == 4
    assert {m.role for m in o.members_now} == {"consultee"}
    assert [(p.payer_name, p.covers_name) for p in o.payers or []] == [
        ("Riverside Community Clinic", "whole case")
    ]
    assert await case_diagnoses(d.deps, owner, o.id) is None
    with pytest.raises(RecordNotAllowed):
        await diagnoses.add_diagnosis(
            d.deps,
            owner,
            diagnoses.AddDiagnosis(
                case_id=o.id, person_id=o.members_now[0].person_id, code="F41.1"
            ),
        )
    workshop = await d.overview("workshop", "sofia@hearth.example")
    assert workshop.kind_label == "workshop"
    assert await d.diagnoses("workshop", "sofia@hearth.example") is None
    assert len(workshop.members_now) == 3


async def test_the_associates_family_is_supervised_by_dr_lee_at_case_level(d: Demo):
    o = await d.overview("associate_family", "riley@hearth.example")
    assert o.responsible_provider is not None
    assert o.responsible_provider.name == "Riley Park"
    assert o.supervisor is not None
    assert (o.supervisor.name, o.supervisor.note) == ("Dr. Grace Lee", "supervises this case")
    assert [a.name for a in o.admin_support] == ["Morgan Diaz"]
    haddad = await d.diagnoses("associate_family", "riley@hearth.example")
    assert [dx.name for dx in haddad or []] == ["Yusuf Haddad"]
    # Dr. Lee reads it as the supervisor.
    lee_view = await d.overview("associate_family", LEE)
    assert Permission.VIEW_CLINICAL.value in lee_view.permissions


async def test_sam_is_one_person_in_two_cases(d: Demo):
    lee = await d.actor(LEE)
    couple = await case_views.case_overview(d.deps, lee, d.practice.cases["couple"])
    sam = next(m.person_id for m in couple.members_now if m.name == "Sam Chen")
    owner = await d.actor(OWNER)
    seen = await case_views.person_cases(d.deps, owner, sam)
    assert {c.name: c.roles for c in seen.cases} == {
        "Maya & Sam": ["partner", "payer"],
        "Sam Chen": ["client", "payer"],
    }
    # Dr. Lee sees only the case she treats.
    assert [c.name for c in (await case_views.person_cases(d.deps, lee, sam)).cases] == [
        "Maya & Sam"
    ]


async def test_the_administrator_sees_dr_lees_cases_but_no_clinical_panel(d: Demo):
    morgan = await d.actor(ADMIN)
    page = await case_views.list_cases(d.deps, morgan, case_views.CaseFilter())
    assert {c.name for c in page.items} >= {
        "Maya & Sam",
        "Okafor family",
        "Lucas Bennett",
        "Tuesday DBT skills",
        "Haddad family",
    }
    assert "Sam Chen" not in {c.name for c in page.items}
    couple = await case_views.case_overview(d.deps, morgan, d.practice.cases["couple"])
    assert await case_diagnoses(d.deps, morgan, d.practice.cases["couple"]) is None
    assert Permission.VIEW_CLINICAL.value not in couple.permissions
    assert couple.payers  # money, yes
    with pytest.raises(NotFound):
        await case_views.case_overview(d.deps, morgan, d.practice.cases["sam_individual"])


async def test_the_history_reads_as_if_the_practice_lived_it(d: Demo):
    lee = await d.actor(LEE)
    history = await case_views.case_history(d.deps, lee, d.practice.cases["family"])
    joined = next(e for e in history if "Adaeze Okafor joined" in e.summary)
    assert joined.at.date() == d.ago(55)
    assert {e.actor for e in history} == {"Dr. Grace Lee"}


async def test_loading_twice_is_refused_or_skipped_with_if_empty(d: Demo):
    assert await demo.load_demo(d.deps, HASHER, if_empty=True) is None
    with pytest.raises(Forbidden):
        await demo.load_demo(d.deps, HASHER)
    owner = await d.actor(OWNER)
    assert len(await directory.list_staff(d.deps, owner)) == 5


@pytest.mark.parametrize(
    "at",
    [
        datetime(2028, 2, 29, 23, 59, tzinfo=UTC),  # a leap day, just before midnight
        datetime(2027, 1, 5, 0, 1, tzinfo=UTC),  # a Tuesday, early January
    ],
)
async def test_the_demo_loads_on_any_day(at: datetime):
    d = await load(at)
    o = await d.overview("group", LEE)
    assert o.opened_on.weekday() == 1 and len(o.members_now) == 6
    assert (await d.overview("couple", LEE)).opened_on == d.ago(70)


async def test_the_demo_practice_has_its_settings_saved_through_the_settings_use_cases(d: Demo):
    from core.services import scheduling as sched
    from core.services.directory.practice_settings import PracticeCache, practice_settings
    from core.services.scheduling import settings

    owner = await d.actor(OWNER)
    practice = await practice_settings(d.deps, owner, PracticeCache("Europe/Berlin"))
    assert (practice.name, practice.timezone, practice.version) == (
        "Hearth Demo Practice",
        "UTC",
        1,
    )
    rooms = [x.name for x in await settings.list_locations(d.deps, owner)]
    assert rooms == ["Room 1", "Room 2"]
    policy = await settings.scheduling_policy(d.deps, owner)
    assert policy.hours[6] is None and policy.telehealth_link is not None
    assert [(r.hours_before, r.channel.value) for r in policy.reminders] == [
        (48, "email"),
        (24, "sms"),
    ]
    couple = next(
        s for s in await sched.list_services(d.deps, owner) if s.name.startswith("Couple")
    )
    assert (str(couple.late_cancel_fee), str(couple.no_show_fee)) == ("85.00", "170.00")


async def test_the_teen_has_coded_diagnoses_and_a_signed_plan_due_for_review(d: Demo):
    lee = await d.actor(LEE)
    record = await case_clinical(d.deps, lee, d.practice.cases["teen"])
    assert [(dx.code, dx.primary, dx.legacy) for dx in record.diagnoses] == [
        ("F41.1", True, False),
        ("Z55.8", False, False),
    ]
    [lucas] = record.plans
    assert lucas.in_force is not None and lucas.in_force.intact
    assert lucas.in_force.due_for_review and lucas.draft is None
    due = await plans_due_for_review(d.deps, lee, lee.id)
    assert [(p.name, p.days_overdue) for p in due] == [("Lucas Bennett", 10)]
