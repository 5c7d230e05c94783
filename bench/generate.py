"""A practice of a given size on a scratch PostgreSQL database, for the load runner.

    .venv/bin/python -m bench.generate --tier large --server postgresql://postgres@127.0.0.1/postgres

Tiers: solo (1 clinician and an administrator, ~60 cases, ~3,000 sessions), medium (50
clinicians) and large (230 staff, 40,000 people, 36,000 cases of the seven kinds, 760,000
sessions over three years, ~1,000,000 attendance marks, the audit trail of their reads).

Every case, session and responsibility is built with the domain's own constructors and methods
(`Case.open`, `add_billing`, `record_attendance`, `Diagnosis.record`...), so each kind's rules,
payer shares, membership periods and attendance-only-for-members hold as the app would have
made them; the rows come from the SQL adapters' own mappings and are checked against the table
definitions (`adapters/persistence/sql/tables/`) before the COPY: a column or table added
later and not filled here stops the generator with its name. Sessions sit in fixed weekly slots
of each clinician (co-therapy pairs in slots of their own), so nobody is double-booked; most
cases still running are booked as a weekly series (`Series`) from some weeks ago. The
foreign keys, the exclusion constraint against double-booking and the indexes are dropped
during the COPY and re-created after it, so PostgreSQL itself checks every row at the end.

The ledger (`bench/billing.py`) is billing's own: each held, late-cancelled or missed session
charged by `plan_charges` as the attendance handler charges it, the past months invoiced and
mostly paid, this month unbilled.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import sqlalchemy as sa

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.audit import _values as audit_values
from adapters.persistence.sql.cases import CHILDREN, _case_values
from adapters.persistence.sql.communication import outbox_values
from adapters.persistence.sql.directory import organization_values, person_values, staff_values
from adapters.persistence.sql.scheduling import (
    _appointment_values,
    _child_rows,
    _series_values,
    _service_values,
)
from adapters.persistence.sql.tables.audit import audit_chain_head, audit_entries
from adapters.system.passwords import Argon2PasswordHasher
from bench.billing import LedgerWriter
from bench.notes import NoteWriter
from core.domain.audit.chain import GENESIS, ChainHead, chain
from core.domain.cases.case import Case, CaseStatus
from core.domain.cases.kinds import CaseKind, ServiceLine, policy
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerRef,
    StaffDuty,
)
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel, Licensure, Organization, Person, StaffMember
from core.domain.directory.parties import StaffRole as R
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.documentation.plans import Goal, Objective, PlanContent, TreatmentPlan
from core.domain.scheduling.appointments import (
    Appointment,
    AppointmentStatus,
    Attendance,
    ChangeMark,
)
from core.domain.scheduling.fees import FeeRule
from core.domain.scheduling.series import Recurrence, Series
from core.domain.scheduling.services import Service
from core.domain.scheduling.times import local_date
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord
from core.domain.shared.codes import CodeLine
from core.domain.shared.values import CaseId, Money, OrganizationId, Period, PersonId, StaffId

TIMEZONE = "America/New_York"
PASSWORD = "bench password 1"  # every generated staff member's
DOMAIN = "bench.test"
PAST_WEEKS, FUTURE_WEEKS = 130, 26  # three years of sessions around today
HOURS = (8, 9, 10, 11, 13, 14, 15, 16, 17)  # a clinician's hourly slots, Monday to Friday
REGULAR_SLOTS = 42  # slots 42-44 (Friday 15:00-17:00) are co-therapy slots of fixed pairs
SESSION = timedelta(minutes=50)
# Of the cases still running (a session from today on), those booked as a weekly series: an
# ongoing weekly client is booked once for the weeks ahead, not session by session.
SERIES_SHARE = 0.6

# Tables the generator leaves empty, by name: any other table it does not fill is an error.
# Staff tokens are links mailed a moment ago and used within the hour: a practice has a handful.
# Corrections (entered in error) are rare enough that their table's size plays no part, and a
# practice that never saved its settings runs on the defaults.
EMPTY = (
    {"sessions", "calendar_feeds", "staff_tokens", "case_entered_in_error"}
    | {
        "practice",
        "locations",
        "scheduling_policy",
        "message_templates",  # the default texts until the owner edits them
    }
    | {"second_factors", "recovery_codes", "account_policy", "rate_limits"}
    | {
        # Card payments (attempts, saved cards, the processor's events) are not generated: the
        # ledger's payments are the office's (cash, cheque, bank transfer; bench/billing.py).
        "card_attempts",
        "cards_on_file",
        "processor_events",
    }
)

# Each session's reminders, as the outbox holds them: sent before it, pending within a week.
REMINDER_LEADS = ((timedelta(hours=48), Channel.EMAIL), (timedelta(hours=24), Channel.SMS))
HORIZON = timedelta(days=7)

# The kinds' mix in a group practice, and how many participants each has.
MIX: dict[CaseKind, tuple[float, tuple[int, int]]] = {
    CaseKind.INDIVIDUAL: (0.60, (1, 1)),
    CaseKind.COUPLE: (0.17, (2, 2)),
    CaseKind.FAMILY: (0.10, (3, 5)),
    CaseKind.GROUP: (0.04, (5, 9)),
    CaseKind.CONSULTATION: (0.05, (1, 1)),
    CaseKind.CONSULTATION_GROUP: (0.02, (3, 6)),
    CaseKind.WORKSHOP: (0.02, (8, 16)),
}
DIAGNOSES = (
    ("F41.1", "Generalized anxiety disorder"),
    ("F32.1", "Major depressive disorder, single episode, moderate"),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
    ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("F40.10", "Social phobia, unspecified"),
)
FIRST = (  # noqa: SIM905 - a list of names reads better as text
    "Maya Sam Alex Jordan Taylor Morgan Riley Casey Jamie Avery Quinn Rowan Elena Omar Priya "
    "Noah Liam Emma Olivia Ava Sophia Mia Lucas Ethan Mateo Aria Leila Hana Yusuf Ines Chen Wei "
    "Nora Ivan Sara Tomas Amara Kofi Zoe Felix Ruth Samir Lena Marco Aiko Dev Ana Joel Tess Ravi"
).split()
LAST = (  # noqa: SIM905
    "Rivera Chen Okafor Novak Schmidt Garcia Kim Patel Nguyen Cohen Rossi Silva Murphy Dubois "
    "Larsen Kowalski Haddad Tanaka Mendes Ivanova Brown Jones Miller Davis Wilson Moore Clark "
    "Lewis Walker Hall Young King Wright Lopez Hill Scott Green Adams Baker Nelson Carter "
    "Mitchell Perez Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris "
    "Rogers Reed Cook Morgan Bell Bailey Cooper Richardson Cox Howard Ward Torres Peterson Gray "
    "Ramirez James Watson Brooks Kelly Sanders Price Bennett Wood Barnes Ross Henderson Coleman"
).split()
GROUP_NAMES = ("DBT skills", "Grief", "Social anxiety", "Parenting", "Men's", "Teen", "Trauma")
SERVICES = {
    CaseKind.INDIVIDUAL: ("Individual 50", ServiceLine.PSYCHOTHERAPY, 15000, "90834"),
    CaseKind.COUPLE: ("Couple 50", ServiceLine.PSYCHOTHERAPY, 17000, "90847"),
    CaseKind.FAMILY: ("Family 50", ServiceLine.PSYCHOTHERAPY, 17000, "90847"),
    CaseKind.GROUP: ("Group 50", ServiceLine.PSYCHOTHERAPY, 6000, "90853"),
    CaseKind.CONSULTATION: ("Consultation 50", ServiceLine.CONSULTATION, 20000, None),
    CaseKind.CONSULTATION_GROUP: ("Consultation group 50", ServiceLine.CONSULTATION, 9000, None),
    CaseKind.WORKSHOP: ("Workshop 50", ServiceLine.WORKSHOP, 4000, None),
}


@dataclass(frozen=True)
class Tier:
    clinicians: int
    associates: int  # of the clinicians
    supervisors: int  # licensed clinicians who supervise the associates
    administrators: int  # each supports a share of the clinicians
    people: int  # the directory (participants come from it; some are in several cases)
    slots: tuple[int, int]  # regular weekly slots a clinician fills, at least / at most
    mean_weeks: float  # how long a case runs, on average
    co_therapy: bool = True
    audit_per_session: float = 1.0  # read entries per past session


TIERS = {
    "solo": Tier(1, 0, 0, 1, 90, (20, 20), 50, co_therapy=False),
    "medium": Tier(50, 10, 4, 8, 10_000, (21, 31), 25),
    "large": Tier(200, 40, 15, 29, 40_000, (21, 31), 25),
}


@dataclass
class Built:
    """Counts of what was generated, for the printout."""

    rows: dict[str, int] = field(default_factory=dict)


# ----- rows, checked against the table definitions ------------------------------------------------


class Rows:
    """Rows per table, as tuples in the order of the columns they fill. A row must give every
    column of its table except those the database fills itself (a server default, a serial):
    anything else is a column the generator does not know yet, and stops it by name."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}
        self.data: dict[str, list[tuple[Any, ...]]] = {}

    def add(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            names = self.columns.get(table.name)
            if names is None:
                names = self.columns[table.name] = _columns_of(table, row)
                self.data[table.name] = []
            elif len(row) != len(names):
                names = _columns_of(table, row)  # raises: the same table, other keys
            self.data[table.name].append(tuple(row[n] for n in names))

    def count(self, name: str) -> int:
        return len(self.data.get(name, ()))


def _columns_of(table: sa.Table, row: dict[str, Any]) -> list[str]:
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise SystemExit(f"bench: {table.name} has no column {sorted(unknown)}")
    for column in table.columns:
        defaulted = column.server_default is not None or (
            column.primary_key and column.autoincrement is True
        )
        if column.name not in row and not defaulted:
            raise SystemExit(
                f"bench: the generator does not fill {table.name}.{column.name}; "
                "add it to bench/generate.py"
            )
    return [c.name for c in table.columns if c.name in row]


# ----- the practice ---------------------------------------------------------------------------


class Practice:
    def __init__(self, tier: Tier, today: date, seed: int = 9) -> None:
        self.tier = tier
        self.today = today
        self.rng = random.Random(seed)
        # Treatment plans draw from their own stream: adding them left every other row as it was.
        self.plan_rng = random.Random(seed + 1)
        # Series too (seed + 2 is the ledger's): the sessions are the same, some with a series_id.
        self.series_rng = random.Random(seed + 3)
        self.tz = ZoneInfo(TIMEZONE)
        self.rows = Rows()
        self.first_monday = today - timedelta(days=today.weekday(), weeks=PAST_WEEKS)
        self.now = datetime.combine(today, datetime.min.time(), self.tz).astimezone(UTC)
        self.audit: list[AuditRecord] = []
        self.notes = NoteWriter(self.rows, seed)
        self.ledger = LedgerWriter(self.rows, seed, self.tz, today)
        # The first cases take each kind once: the draws follow today's weekday, and at the solo
        # tier's ~70 cases a 2 % kind is missing on about one day in four.
        self.unmade = list(MIX)
        self.helped = False

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # ----- staff, people, organizations, services ----------------------------------------------

    def staff(self, password_hash: str) -> None:
        tier, made = self.tier, []
        owner = StaffMember(
            StaffId(self.uid()),
            "Olivia Owner",
            f"owner@{DOMAIN}",
            frozenset({R.OWNER, R.CLINICIAN} if tier.clinicians == 1 else {R.OWNER}),
        )
        made.append(owner)
        clinicians: list[StaffMember] = [owner] if tier.clinicians == 1 else []
        for n in range(len(clinicians), tier.clinicians):
            roles = {R.CLINICIAN}
            if n < tier.supervisors:
                roles.add(R.SUPERVISOR)
            clinicians.append(
                StaffMember(
                    StaffId(self.uid()),
                    f"Dr. {self.rng.choice(FIRST)} {LAST[n % len(LAST)]} {n:03d}",
                    f"c{n:03d}@{DOMAIN}",
                    frozenset(roles),
                )
            )
        supervisors = clinicians[: tier.supervisors]
        for i in range(tier.associates):  # the last ones: associates with a default supervisor
            c = clinicians[-1 - i]
            c.licensure = Licensure.ASSOCIATE
            c.supervisor_id = supervisors[i % len(supervisors)].id
        if tier.clinicians > 1:
            made += clinicians
        share = max(1, tier.clinicians // tier.administrators) if tier.administrators else 0
        for a in range(tier.administrators):
            supported = clinicians[a * share : (a + 1) * share] or clinicians[-share:]
            admin = StaffMember(
                StaffId(self.uid()),
                f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)} (office {a:02d})",
                f"admin{a:02d}@{DOMAIN}",
                frozenset({R.ADMINISTRATOR}),
                supports=frozenset(c.id for c in supported),
            )
            made.append(admin)
        self.clinicians = clinicians
        # Who runs the billing: the administrators (the owner of a practice without one).
        self.billing_staff = [s.id for s in made if R.ADMINISTRATOR in s.roles] or [owner.id]
        self.supervisor_of = {c.id: c.supervisor_id for c in clinicians if c.supervisor_id}
        self.rows.add(t.staff, (staff_values(s) for s in made))
        self.rows.add(
            t.staff_roles, ({"staff_id": s.id, "role": r.value} for s in made for r in s.roles)
        )
        self.rows.add(
            t.staff_supports,
            ({"staff_id": s.id, "supported_id": c} for s in made for c in s.supports),
        )
        self.rows.add(
            t.credentials,
            (
                {
                    "staff_id": s.id,
                    "password_hash": password_hash,
                    "failed_attempts": 0,
                    "locked_until": None,
                    "generation": 1,
                }
                for s in made
            ),
        )

    def directory(self) -> None:
        rng, people = self.rng, []
        for n in range(self.tier.people):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last}.{n}@example.org".lower() if rng.random() < 0.85 else None
            people.append(
                Person(
                    PersonId(self.uid()),
                    f"{first} {last}",
                    preferred_name=first if rng.random() < 0.1 else "",
                    date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(24_000)),
                    email=email,
                    mobile=f"+1555{n:07d}" if rng.random() < 0.7 else None,
                    address=f"{rng.randrange(1, 999)} {last} Street",
                    preferred_channel=Channel.EMAIL if email else Channel.NONE,
                )
            )
        self.people = people
        self.rows.add(t.people, (person_values(p) for p in people))
        self.organizations = [
            Organization(OrganizationId(self.uid()), name, email=f"claims{i}@example.org")
            for i, name in enumerate(
                [f"{x} Health Plan" for x in LAST[:30]] + [f"{x} EAP" for x in LAST[30:40]]
            )
        ]
        self.rows.add(t.organizations, (organization_values(o) for o in self.organizations))
        # Late cancellations cost half the fee, a no-show all of it (a workshop: nothing).
        self.services = {
            kind: Service(
                self.uid(),
                name,
                line,
                50,
                Money(fee, "USD"),
                code,
                late_cancel_fee=None if line is ServiceLine.WORKSHOP else FeeRule(percent=50),
                no_show_fee=None if line is ServiceLine.WORKSHOP else FeeRule(percent=100),
            )
            for kind, (name, line, fee, code) in SERVICES.items()
        }
        self.ledger.know(self.people)
        self.rows.add(t.services, (_service_values(s) for s in self.services.values()))

    # ----- cases and their sessions -------------------------------------------------------------

    def kind(self) -> CaseKind:
        if self.unmade:
            return self.unmade[-1]  # taken off when its case is made
        r, total = self.rng.random(), 0.0
        for kind, (share, _) in MIX.items():
            total += share
            if r < total:
                return kind
        return CaseKind.INDIVIDUAL

    def practice(self) -> None:
        """Each clinician's regular slots hold one case after another, weekly, from the
        first week to the last; the co-therapy slots hold cases of fixed pairs."""
        rng, weeks = self.rng, PAST_WEEKS + FUTURE_WEEKS
        self.case_count = 0
        for ci, c in enumerate(self.clinicians):
            used = rng.randint(*self.tier.slots)
            for slot in rng.sample(range(REGULAR_SLOTS), used):
                self.chain(c, None, slot, weeks)
            if self.tier.co_therapy and len(self.clinicians) > 1:
                # Slot 42 pairs (0,1), (2,3)...; slot 43 pairs (1,2), (3,4)...: nobody twice.
                for slot, offset in ((42, 0), (43, 1)):
                    if (ci - offset) % 2 == 0 and ci + 1 < len(self.clinicians):
                        self.chain(c, self.clinicians[ci + 1], slot, weeks, sparse=True)

    def chain(
        self,
        clinician: StaffMember,
        co: StaffMember | None,
        slot: int,
        weeks: int,
        sparse: bool = False,
    ) -> None:
        rng = self.rng
        week = -rng.randrange(int(self.tier.mean_weeks))  # the first case began before
        while week < weeks:
            kind = rng.choice((CaseKind.COUPLE, CaseKind.FAMILY)) if co else self.kind()
            length = max(2, int(rng.expovariate(1 / self.tier.mean_weeks)))
            if kind is CaseKind.WORKSHOP:
                length = rng.randint(2, 4)
            start, end = max(week, 0), min(week + length, weeks)
            if end > start:
                self.case(clinician, co, kind, slot, list(range(start, end)))
                if kind in self.unmade:
                    self.unmade.remove(kind)
            week += length + rng.randrange(3 if not sparse else 12)

    def slot_start(self, week: int, slot: int) -> datetime:
        day = self.first_monday + timedelta(weeks=week, days=slot // len(HOURS))
        hour = HOURS[slot % len(HOURS)]
        return datetime(day.year, day.month, day.day, hour, tzinfo=self.tz).astimezone(UTC)

    def case(
        self,
        clinician: StaffMember,
        co: StaffMember | None,
        kind: CaseKind,
        slot: int,
        weeks: list[int],
    ) -> None:
        rng, today = self.rng, self.today
        weeks = [w for w in weeks if rng.random() > 0.06]  # holidays, sick days
        if not weeks:
            return
        starts = [self.slot_start(w, slot) for w in weeks]
        first_day = starts[0].astimezone(self.tz).date()
        opened = min(first_day - timedelta(days=rng.randint(3, 14)), today)
        last_day = starts[-1].astimezone(self.tz).date()
        closes = last_day < today - timedelta(days=7) and rng.random() < 0.9
        low, high = MIX[kind][1]
        members = rng.sample(self.people, rng.randint(low, high))
        self.case_count += 1
        name = _case_name(kind, members, self.case_count)
        case = Case.open(
            id=CaseId(self.uid()),
            kind=kind,
            name=name,
            opened_on=opened,
            responsible_provider=clinician.id,
            new_id=self.uid,
            participants=[(p.id, None) for p in members],
            capacity=max(high, len(members)) if policy(kind).has_capacity else None,
            status=CaseStatus.ACTIVE,
        )
        supervisor = self.supervisor_of.get(clinician.id)
        if supervisor:
            case.set_supervisor(self.uid(), supervisor, opened)
        if co:
            case.add_staff_duty(self.uid(), co.id, StaffDuty.CO_THERAPIST, opened)
        self.payers(case, kind, members, opened)
        self.ledger.opened(case, kind, self.services[kind])
        for p in members:
            channel = Channel.EMAIL if p.email else Channel.NONE
            case.set_communication(
                CommunicationPreference(
                    p.id, channel, reminders=p.email is not None, invoices=p.email is not None
                )
            )
        # A family in five has a scheduling helper, and the first families until one has.
        if kind is CaseKind.FAMILY and (rng.random() < 0.2 or not self.helped):
            helper = rng.choice(self.people)
            if helper not in members:
                self.helped = True
                case.grant_helper(
                    HelperRole(
                        self.uid(),
                        helper.id,
                        members[-1].id,
                        HelperKind.SCHEDULING_HELPER,
                        Period(opened),
                    )
                )
        if policy(kind).service_line is ServiceLine.PSYCHOTHERAPY and kind is not CaseKind.GROUP:
            code, text = rng.choice(DIAGNOSES)
            d = Diagnosis.record(
                case,
                id=self.uid(),
                person_id=members[0].id,
                code=code,
                description=text,
                period=Period(opened),
            )
            self.rows.add(
                t.case_diagnoses,
                [
                    {
                        "id": d.id,
                        "case_id": d.case_id,
                        "position": 0,
                        "person_id": d.person_id,
                        "code": d.code,
                        "description": d.description,
                        "start_on": d.period.start,
                        "end_on": d.period.end,
                        "error_reason": None,
                        "error_by": None,
                        "error_at": None,
                        "is_primary": True,
                        "version": 0,
                    }
                ],
            )
            if self.plan_rng.random() < 0.6:
                self.plan(case, members[0].id, clinician.id, opened)
        providers = (clinician.id, co.id) if co else (clinician.id,)
        self.sessions(case, kind, providers, starts, self.series(case, clinician.id, starts))
        if closes:
            # Closing ends every membership and responsibility that day.
            case.close(max(last_day + timedelta(days=rng.randint(1, 14)), opened))
        self.history(case, clinician.id)
        self.rows.add(t.cases, [_case_values(case)])
        for child in CHILDREN:
            self.rows.add(child.table, child.to_rows(case))

    def plan(self, case: Case, person_id: PersonId, clinician: StaffId, on: date) -> None:
        """A signed treatment plan written when the case opened, reviewed every 90 days: the
        older cases' plans are due for review, as in a practice that falls behind."""
        content = PlanContent.of(
            problems=("Presenting problem",),
            goals=(
                Goal("Reduce symptoms", (Objective("Score below cut-off", on + timedelta(60)),)),
            ),
            interventions=("Weekly sessions",),
            review_on=on + timedelta(days=90),
            written_on=on,
        )
        at = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
        plan = TreatmentPlan.draft(
            case,
            id=uuid.UUID(int=self.plan_rng.getrandbits(128), version=4),
            person_id=person_id,
            content=content,
            latest=None,
            by=clinician,
            at=at,
        )
        plan.sign(case, clinician, at)
        assert plan.signature is not None
        self.rows.add(
            t.treatment_plans,
            [
                {
                    "id": plan.id,
                    "case_id": plan.case_id,
                    "person_id": plan.person_id,
                    "number": plan.number,
                    "content": content.canonical(),
                    "review_on": content.review_on,
                    "written_by": clinician,
                    "written_at": at,
                    "signed_by": clinician,
                    "signed_at": at,
                    "signed_sha256": plan.signature.sha256,
                    "version": 0,
                }
            ],
        )

    def series(self, case: Case, clinician: StaffId, starts: list[datetime]) -> Series | None:
        """A running case's weekly series (SERIES_SHARE of them), booked some weeks ago: from
        its first session since then to the case's last, in the case's slot. A week skipped
        for a holiday is an occurrence without a session; every session in it is one of its
        `starts()` (tests/integration/test_bench_generator.py checks)."""
        rng = self.series_rng
        if starts[-1] < self.now or rng.random() >= SERIES_SHARE:
            return None
        since = self.now - timedelta(weeks=rng.randint(1, 12))
        first = next(s for s in starts if s >= since)
        opened = datetime.combine(case.opened_on, datetime.min.time(), self.tz)
        booked = max(first - timedelta(days=rng.randint(1, 21)), opened.astimezone(UTC))
        series = Series(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            case_id=case.id,
            first_start=first,
            minutes=SESSION // timedelta(minutes=1),
            rule=Recurrence(until=local_date(starts[-1], self.tz)),
            timezone=TIMEZONE,
            created=ChangeMark(clinician, min(booked, self.now)),
        )
        self.rows.add(t.series, [_series_values(series)])
        return series

    def payers(self, case: Case, kind: CaseKind, members: list[Person], on: date) -> None:
        rng, first = self.rng, members[0].id

        def add(payer: PayerRef, covers: PersonId | None, share: int | None = None) -> None:
            case.add_billing(BillingResponsibility(self.uid(), payer, covers, Period(on), share))

        line = policy(kind).service_line
        if kind in (CaseKind.GROUP, CaseKind.CONSULTATION_GROUP, CaseKind.WORKSHOP):
            for p in members:  # each participant pays for their own place
                add(PayerRef.person(p.id), p.id)
        elif line is ServiceLine.PSYCHOTHERAPY and rng.random() < 0.3:
            # A health plan pays 80 % of the case's sessions, the client the rest. (Covering
            # the whole case: charging splits a whole-case session among the case's payers,
            # and a share covering one participant of it would go unused.)
            add(PayerRef.organization(rng.choice(self.organizations[:30]).id), None, 80)
            add(PayerRef.person(first), None, 20)
        elif rng.random() < 0.05:
            add(PayerRef.organization(rng.choice(self.organizations[30:]).id), None)
        else:
            add(PayerRef.person(first), None)

    def sessions(
        self,
        case: Case,
        kind: CaseKind,
        providers: tuple[StaffId, ...],
        starts: list[datetime],
        series: Series | None = None,
    ) -> None:
        rng, service, now = self.rng, self.services[kind], self.now
        psychotherapy = service.service_line is ServiceLine.PSYCHOTHERAPY
        in_series = set(series.starts()) if series else set()
        for start in starts:
            booked = ChangeMark(providers[0], start - timedelta(days=rng.randint(1, 21)))
            a = Appointment(
                id=self.uid(),
                case_id=case.id,
                start=start,
                end=start + SESSION,
                providers=providers,
                service_id=service.id,
                created=booked,
                location="" if rng.random() < 0.3 else f"Room {rng.randint(1, 12)}",
                telehealth=rng.random() < 0.3,
                series_id=series.id if series and start in in_series else None,
            )
            signed = self.past(a, case, kind, psychotherapy) if start < now else False
            self.reminders(a, case)
            # `note_signed` as the trigger on notes (migration 0021) keeps it: set here, since
            # the COPY may load the notes before the appointments (the trigger then finds no
            # row); the trigger writes only a flag that differs, so with it set here it writes
            # nothing. tests/integration/test_bench_generator.py checks every row.
            self.rows.add(t.appointments, [{**_appointment_values(a), "note_signed": signed}])
            for table, rows in _child_rows(a).items():
                self.rows.add(table, rows)

    def reminders(self, a: Appointment, case: Case) -> None:
        """The outbox rows of a session's reminders (to its first participant)."""
        now, person = self.now, case.memberships[0].person_id if case.memberships else None
        rows, links = [], []
        for lead, channel in REMINDER_LEADS:
            due = a.start - lead
            if due >= now + HORIZON:
                continue
            sent = due < now
            rows.append(
                outbox_values(
                    OutboundMessage(
                        id=uuid.uuid4(),  # not from self.rng: the practice's shape stays put
                        delivery_key=f"reminder:{a.id}:{int(a.start.timestamp())}:{person}:"
                        f"{int(lead.total_seconds() // 3600)}h",
                        channel=channel,
                        to="client@example.org" if channel is Channel.EMAIL else "+15555550100",
                        subject="Reminder: your appointment" if channel is Channel.EMAIL else "",
                        body="This is a reminder of your appointment.",
                        due_at=due,
                        created_at=a.created.at,
                        person_id=person,
                        case_id=case.id,
                        state=DeliveryState.SENT if sent else DeliveryState.PENDING,
                        attempts=1 if sent else 0,
                        provider_id="bench" if sent else "",
                        sent_at=due if sent else None,
                        expires_at=a.start,
                    )
                )
            )
            if person is not None:  # each reminder's confirm / cancel link (only its hash)
                links.append(
                    {
                        "id": uuid.uuid4(),
                        "appointment_id": a.id,
                        "person_id": person,
                        "start": a.start,
                        "token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                        "created_at": a.created.at,
                        "expires_at": a.start,
                        "used_at": None,
                        "used_for": None,
                    }
                )
        self.rows.add(t.outbox, rows)
        self.rows.add(t.session_links, links)

    def past(self, a: Appointment, case: Case, kind: CaseKind, psychotherapy: bool) -> bool:
        """What happened at a session that has taken place: attendance (for the members
        expected that day only) and the status it sets, confirmed codes, its note, a read in
        the log. True when the note written is signed."""
        rng = self.rng
        expected = a.expected(case, self.tz)
        after = a.end + timedelta(hours=1)
        r = rng.random()
        if r < 0.06 or not expected:
            a.status = AppointmentStatus.CANCELLED
        else:
            for m in expected:
                if r < 0.08:
                    mark = Attendance.NO_SHOW
                elif r < 0.10:
                    mark = Attendance.LATE_CANCELLED
                else:
                    q = rng.random()
                    mark = Attendance.ATTENDED if q < 0.92 else Attendance.ABSENT
                a.record_attendance(m.person_id, mark, expected, after)
            if psychotherapy and a.status is AppointmentStatus.COMPLETED:
                code = self.services[kind].billing_code or ""
                if kind is CaseKind.GROUP:
                    attended = sorted(a.attended_ids(expected))
                    a.codes = tuple(CodeLine(code, 1, p) for p in attended)
                else:
                    a.codes = (CodeLine(code),)
        expected_ids = [m.person_id for m in expected]
        signed = self.notes.held(
            a, case, expected_ids, self.supervisor_of.get(a.providers[0]), self.now
        )
        a.changed = ChangeMark(a.providers[0], after)
        a.version = 1
        a.events.pull()
        self.ledger.held(a, case, self.services[kind])
        if rng.random() < self.tier.audit_per_session:
            read_case = rng.random() < 0.5
            self.audit.append(
                AuditRecord(
                    at=a.start - timedelta(minutes=rng.randint(2, 30)),
                    actor_id=a.providers[0],
                    action=AuditAction.READ,
                    object_type=AuditObject.CASE if read_case else AuditObject.APPOINTMENT,
                    object_id=a.case_id if read_case else a.id,
                    case_id=a.case_id,
                    route="/cases/{case_id:uuid}"
                    if read_case
                    else "/appointments/{appointment_id:uuid}",
                    client_address="10.0.0.1",
                )
            )
        return signed

    def history(self, case: Case, actor: StaffId) -> None:
        at = datetime.combine(case.opened_on, datetime.min.time(), self.tz).astimezone(UTC)
        lines = [("opened", f"{case.policy.label.capitalize()} case opened.")]
        lines += [("member_joined", "A participant joined.") for _ in case.memberships]
        lines += [("payer_added", "A payer was added.") for _ in case.billing]
        rows = [
            {
                "id": self.uid(),
                "case_id": case.id,
                "at": at + timedelta(hours=9, seconds=i),
                "actor_id": actor,
                "on_behalf_of": None,
                "action": action,
                "summary": summary,
                "clinical": False,
            }
            for i, (action, summary) in enumerate(lines)
        ]
        if case.closed_on:
            closed = datetime.combine(case.closed_on, datetime.min.time(), self.tz)
            rows.append(
                {**rows[0], "id": self.uid(), "at": closed.astimezone(UTC) + timedelta(hours=17)}
                | {"action": "closed", "summary": "Case closed."}
            )
        self.rows.add(t.case_events, rows)
        case.events.pull()

    def audit_trail(self) -> None:
        """The reads, in time order, chained from the genesis as the log would have."""
        self.audit.sort(key=lambda r: r.at)
        entries = chain(ChainHead(0, GENESIS), self.audit)
        self.rows.add(audit_entries, (audit_values(e) for e in entries))
        last = entries[-1] if entries else None
        self.head = (last.seq, last.hash) if last else (0, GENESIS)


def _case_name(kind: CaseKind, members: Sequence[Person], n: int) -> str:
    last = [p.legal_name.split()[-1] for p in members]
    if kind in (CaseKind.INDIVIDUAL, CaseKind.CONSULTATION):
        return members[0].legal_name
    if kind is CaseKind.COUPLE:
        return f"{last[0]} & {last[1]}"
    if kind is CaseKind.FAMILY:
        return f"{last[0]} family"
    topic = GROUP_NAMES[n % len(GROUP_NAMES)]
    label = {
        CaseKind.GROUP: "group",
        CaseKind.CONSULTATION_GROUP: "consultation group",
        CaseKind.WORKSHOP: "workshop",
    }[kind]
    return f"{topic} {label} {n:05d}"


# ----- loading --------------------------------------------------------------------------------


def plain_url(url: str) -> str:
    """asyncpg wants postgresql://, not SQLAlchemy's postgresql+asyncpg://."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _dropped_constraints(conn: asyncpg.Connection) -> tuple[list[str], list[str]]:
    """Drop the foreign keys, exclusion constraints and plain indexes of the practice's
    tables; return the statements that re-create them exactly (PostgreSQL's own text)."""
    constraints = await conn.fetch(
        """SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE contype IN ('f', 'x') AND connamespace = 'public'::regnamespace
        """
    )
    indexes = await conn.fetch(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
           WHERE c.relnamespace = 'public'::regnamespace
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""
    )
    for c in constraints:
        await conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in indexes:
        await conn.execute(f"DROP INDEX {i['name']}")
    return [i["def"] for i in indexes], [
        f'ALTER TABLE {c["tbl"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}' for c in constraints
    ]


async def load(url: str, practice: Practice) -> None:
    rows = practice.rows
    known = {tb.name for tb in t.metadata.sorted_tables} | {audit_entries.name}
    missing = known - set(rows.data) - EMPTY
    if missing:
        raise SystemExit(f"bench: the generator fills no rows of {sorted(missing)}")
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.execute("SET maintenance_work_mem = '512MB'; SET synchronous_commit = off")
        existing = await conn.fetchval("SELECT count(*) FROM staff")
        if existing:
            raise SystemExit("bench: the database already has a practice")
        indexes, constraints = await _dropped_constraints(conn)
        # The invoices come with their paid amounts: the allocations' trigger (migration 0023)
        # would count them twice.
        await conn.execute("ALTER TABLE invoice_allocations DISABLE TRIGGER USER")
        try:
            for name, data in rows.data.items():
                for i in range(0, len(data), 100_000):
                    await conn.copy_records_to_table(
                        name, records=data[i : i + 100_000], columns=rows.columns[name]
                    )
            seq, digest = practice.head
            await conn.execute(
                f"UPDATE {audit_chain_head.name} SET seq = $1, hash = $2 WHERE id = 1", seq, digest
            )
            await conn.execute(
                "SELECT setval('case_events_seq_seq', (SELECT max(seq) FROM case_events))"
            )
        finally:  # a failed load must not leave the trigger off
            await conn.execute("ALTER TABLE invoice_allocations ENABLE TRIGGER USER")
        for statement in indexes + constraints:
            await conn.execute(statement)
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


async def generate(url: str, tier_name: str, today: date | None = None) -> Built:
    """Generate `tier_name` into the migrated, empty database at `url`."""
    started = time.perf_counter()
    practice = Practice(TIERS[tier_name], today or date.today())
    password_hash = await Argon2PasswordHasher().hash(PASSWORD)  # once, for everyone
    practice.staff(password_hash)
    practice.directory()
    practice.practice()
    practice.audit_trail()
    ledger = time.perf_counter()
    practice.ledger.finish(practice.billing_staff)
    built = time.perf_counter()
    await load(url, practice)
    rows = {name: practice.rows.count(name) for name in practice.rows.data}
    print(
        f"bench: {tier_name}: built in {built - started:.0f} s (the invoices and payments "
        f"{built - ledger:.0f} s of it), stored in "
        f"{time.perf_counter() - built:.0f} s: "
        + ", ".join(f"{n} {name}" for name, n in rows.items() if n),
        flush=True,
    )
    return Built(rows)


def main() -> None:
    from bench.database import scratch_database

    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--tier", choices=TIERS, default="solo")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    with scratch_database(args.server, args.tier, keep=args.keep) as url:
        asyncio.run(generate(url, args.tier))
        print(f"bench: database {sa.make_url(url).database}")


if __name__ == "__main__":
    main()
