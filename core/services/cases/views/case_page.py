"""The case page: overview of members, team, payers, contacts and helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.access import (
    DUTY_PERMISSION,
    Actor,
    Permission,
    assignable_duties,
    reference_day,
    require,
)
from core.domain.cases.case import Case, Membership
from core.domain.cases.responsibilities import PayerKind, StaffAssignment, StaffDuty
from core.domain.cases.supervision import effective_supervisor
from core.domain.directory.age import minor_age
from core.domain.directory.parties import Organization, Person, StaffMember, StaffRole
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId, OrganizationId, PersonId, StaffId
from core.services.cases.changes import load_case
from core.services.cases.views.case_head import CaseHead, case_head
from core.services.cases.views.history import HistoryEntry, _history
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View


class MemberView(View, frozen=True, kw_only=True):
    membership_id: UUID
    person_id: PersonId
    name: str
    role: str
    joined_on: date
    left_on: date | None
    minor_age: int | None = None  # shown next to the name


class StaffView(View, frozen=True, kw_only=True):
    assignment_id: UUID | None
    staff_id: StaffId
    name: str
    duty: str
    since: date | None
    until: date | None = None
    note: str = ""  # "default supervisor of the associate", "supports all of Dr. Lee's cases"
    can_end: bool = False  # a running duty of this case the actor may end (not the provider)
    can_correct: bool = False  # the actor may mark it entered in error (not the provider)


class PayerView(View, frozen=True, kw_only=True):
    responsibility_id: UUID
    payer_kind: PayerKind
    payer_id: UUID
    payer_name: str
    covers_id: PersonId | None
    covers_name: str  # "whole case" or the participant's name
    share_percent: int | None
    since: date
    until: date | None


class CommunicationView(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    channel: str
    reminders: bool
    invoices: bool
    clinical_messages: bool
    portal_access: bool


class HelperView(View, frozen=True, kw_only=True):
    role_id: UUID
    helper_id: PersonId
    helper_name: str
    for_person_id: PersonId
    for_name: str
    kind: str
    since: date
    until: date | None


class CaseOverview(View, frozen=True, kw_only=True):
    """What staff needs before the next session, as far as the actor may see it."""

    id: CaseId
    version: int
    name: str
    kind: str
    kind_label: str
    participant_word: str
    service_line: str
    status: str
    opened_on: date
    closed_on: date | None
    capacity: int | None
    members_now: list[MemberView]
    members_before: list[MemberView]  # ended periods and periods not started yet
    responsible_provider: StaffView | None
    co_therapists: list[StaffView]
    supervisor: StaffView | None  # who reviews the work today, from whichever level
    admin_support: list[StaffView]
    staff_history: list[StaffView]
    payers: list[PayerView] | None  # None: the actor may not see billing
    # The payers running today, once each, as a form picks them ("person:<id>", name).
    payer_choices: list[tuple[str, str]]
    communication: list[CommunicationView]
    helpers: list[HelperView]
    record_types: list[str]
    permissions: list[str]
    assignable_duties: list[tuple[str, str]]  # (duty, label) the actor may give on this case


def member_view(
    m: Membership, names: dict[PersonId, str], ages: dict[PersonId, int | None] | None = None
) -> MemberView:
    return MemberView(
        membership_id=m.id,
        person_id=m.person_id,
        name=names.get(m.person_id, "(unknown)"),
        role=m.role.label,
        joined_on=m.period.start,
        left_on=m.period.end,
        minor_age=(ages or {}).get(m.person_id),
    )


async def case_overview(deps: Deps, actor: Actor, case_id: CaseId) -> CaseOverview:
    page = await case_page(deps, actor, case_id, with_history=False, with_head=False)
    return page.overview


class PersonRef(View, frozen=True, kw_only=True):
    id: PersonId
    name: str


class CasePage(View, frozen=True, kw_only=True):
    """The case screen: the overview, its history, the active staff to choose from, and the
    people of the case (members now and before, paying persons, helpers) by name."""

    overview: CaseOverview
    history: list[HistoryEntry]
    staff: list[StaffMember]
    clinicians: list[StaffMember]
    people: list[PersonRef]
    head: CaseHead | None = None


@dataclass(frozen=True, slots=True)
class LoadedCasePage:
    """The case page with the case it was built from and what the actor may do on it, for a
    panel of another context that would otherwise load the case again (the diagnoses)."""

    page: CasePage
    case: Case
    granted: frozenset[Permission]
    people: dict[PersonId, Person]  # everyone the case names, loaded for the page
    organizations: dict[OrganizationId, Organization]  # the paying ones, likewise


async def case_page(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    *,
    with_history: bool = True,
    with_head: bool = True,
) -> CasePage:
    """Everything the case screen shows, in one unit of work and a fixed set of queries (the
    head's glance at the sessions: two more, for those who may see the schedule)."""
    loaded = await load_case_page(
        deps, actor, case_id, with_history=with_history, with_head=with_head
    )
    return loaded.page


async def load_case_page(
    deps: Deps,
    actor: Actor,
    case_id: CaseId,
    *,
    with_history: bool = True,
    with_head: bool = True,
) -> LoadedCasePage:
    """`case_page`, with the case and the actor's permissions on it."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CASE)
        glance = (
            await uow.glances.glance(case_id, deps.clock.now())
            if with_head and Permission.VIEW_SCHEDULE in granted
            else None
        )
        people = await uow.people.get_many(case.related_person_ids())
        staff = {s.id: s for s in await uow.staff.list_all()}
        org_ids = [
            OrganizationId(b.payer.id)
            for b in case.billing
            if b.payer.kind is PayerKind.ORGANIZATION
        ]
        organizations = await uow.organizations.get_many(org_ids) if org_ids else {}
        events = await uow.history.for_case(case_id) if with_history else []
    names = {sid: s.name for sid, s in staff.items()}
    await audit_read(deps, actor, AuditObject.CASE, case.id, case)
    overview = build_overview(case, granted, today, people, staff, organizations)
    active = [s for s in staff.values() if s.active]
    # The scheduling deps carry the practice's timezone; the sessions' times are shown in it.
    tz = ZoneInfo(getattr(deps, "timezone", "UTC"))
    page = CasePage(
        overview=overview,
        history=_history(events, names, Permission.VIEW_CLINICAL in granted),
        staff=active,
        clinicians=[s for s in active if s.has(StaffRole.CLINICIAN)],
        people=_people(overview),
        head=case_head(case, granted, today, tz, people, glance) if with_head else None,
    )
    return LoadedCasePage(
        page=page, case=case, granted=granted, people=people, organizations=organizations
    )


def _people(overview: CaseOverview) -> list[PersonRef]:
    named = {m.person_id: m.name for m in [*overview.members_now, *overview.members_before]}
    named |= {
        PersonId(p.payer_id): p.payer_name
        for p in overview.payers or []
        if p.payer_kind is PayerKind.PERSON
    }
    named |= {h.helper_id: h.helper_name for h in overview.helpers}
    return [PersonRef(id=k, name=v) for k, v in sorted(named.items(), key=lambda kv: kv[1])]


def build_overview(
    case: Case,
    granted: frozenset[Permission],
    today: date,
    people: dict[PersonId, Person],
    staff: dict[StaffId, StaffMember],
    organizations: dict[OrganizationId, Organization],
) -> CaseOverview:
    day = reference_day(case, today)
    names = {pid: p.display_name for pid, p in people.items()}
    ages = {pid: minor_age(p.date_of_birth, today) for pid, p in people.items()}
    staff_name = {sid: s.name for sid, s in staff.items()}
    current = case.members_on(day)
    current_ids = {m.id for m in current}

    def staff_view(a: StaffAssignment, note: str = "") -> StaffView:
        return StaffView(
            assignment_id=a.id,
            staff_id=a.staff_id,
            name=staff_name.get(a.staff_id, "(former staff)"),
            duty=a.duty.label,
            since=a.period.start,
            until=a.period.end,
            note=note,
            can_end=case.is_open
            and a.period.end is None
            and a.duty is not StaffDuty.RESPONSIBLE_PROVIDER
            and DUTY_PERMISSION[a.duty] in granted,
            can_correct=case.is_open
            and a.duty is not StaffDuty.RESPONSIBLE_PROVIDER
            and DUTY_PERMISSION[a.duty] in granted,
        )

    provider = case.staff_on(day, StaffDuty.RESPONSIBLE_PROVIDER)
    treating = [a.staff_id for a in case.staff_on(day) if a.duty in _TREATING]
    supervisor = _supervisor_view(case, day, provider, staff, staff_view)
    admin = [staff_view(a) for a in case.staff_on(day, StaffDuty.ADMIN_SUPPORT)]
    admin += [
        StaffView(
            assignment_id=None,
            staff_id=s.id,
            name=s.name,
            duty=StaffDuty.ADMIN_SUPPORT.label,
            since=None,
            note=f"supports all cases of {staff_name.get(c, '')}",
        )
        for s in staff.values()
        if s.active and s.has(StaffRole.ADMINISTRATOR)
        for c in sorted(s.supports & set(treating))
    ]

    def payer_name(kind: PayerKind, payer_id: UUID) -> str:
        if kind is PayerKind.PERSON:
            return names.get(PersonId(payer_id), "(unknown)")
        org = organizations.get(OrganizationId(payer_id))
        return org.name if org else "(unknown)"

    payers = (
        [
            PayerView(
                responsibility_id=b.id,
                payer_kind=b.payer.kind,
                payer_id=b.payer.id,
                payer_name=payer_name(b.payer.kind, b.payer.id),
                covers_id=b.covers,
                covers_name="whole case" if b.covers is None else names.get(b.covers, ""),
                share_percent=b.share_percent,
                since=b.period.start,
                until=b.period.end,
            )
            for b in sorted(case.billing, key=lambda b: (b.period.end is not None, b.period.start))
        ]
        if Permission.VIEW_BILLING in granted
        else None
    )
    choices = {
        f"{p.payer_kind.value}:{p.payer_id}": p.payer_name
        for p in payers or []
        if p.until is None or p.until >= day
    }
    return CaseOverview(
        id=case.id,
        version=case.version,
        name=case.name,
        kind=case.kind.value,
        kind_label=case.policy.label,
        participant_word=case.policy.participant_word,
        service_line=case.policy.service_line.value,
        status=case.status.value,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        capacity=case.capacity,
        members_now=[member_view(m, names, ages) for m in current],
        members_before=[
            member_view(m, names, ages)
            for m in sorted(case.memberships, key=lambda m: m.period.start)
            if m.id not in current_ids
        ],
        responsible_provider=staff_view(provider[0]) if provider else None,
        co_therapists=[staff_view(a) for a in case.staff_on(day, StaffDuty.CO_THERAPIST)],
        supervisor=supervisor,
        admin_support=admin,
        staff_history=[
            staff_view(a)
            for a in sorted(case.staff, key=lambda a: a.period.start)
            if not a.period.contains(day)
        ],
        payers=payers,
        payer_choices=sorted(choices.items(), key=lambda kv: kv[1]),
        communication=[
            CommunicationView(
                person_id=p.person_id,
                name=names.get(p.person_id, ""),
                channel=p.channel.value,
                reminders=p.reminders,
                invoices=p.invoices,
                clinical_messages=p.clinical_messages,
                portal_access=p.portal_access,
            )
            for p in sorted(case.communication.values(), key=lambda p: names.get(p.person_id, ""))
        ],
        helpers=[
            HelperView(
                role_id=h.id,
                helper_id=h.helper_id,
                helper_name=names.get(h.helper_id, ""),
                for_person_id=h.for_person_id,
                for_name=names.get(h.for_person_id, ""),
                kind=h.kind.label,
                since=h.period.start,
                until=h.period.end,
            )
            for h in case.helpers
        ],
        record_types=sorted(r.value for r in case.policy.records),
        permissions=sorted(p.value for p in granted),
        assignable_duties=(
            [(d.value, d.label) for d in assignable_duties(granted)] if case.is_open else []
        ),
    )


_TREATING = (StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST)


def _supervisor_view(
    case: Case,
    day: date,
    provider: list[StaffAssignment],
    staff: dict[StaffId, StaffMember],
    staff_view: Callable[[StaffAssignment, str], StaffView],
) -> StaffView | None:
    case_level = case.staff_on(day, StaffDuty.SUPERVISOR)
    if case_level:
        return staff_view(case_level[0], "supervises this case")
    if not provider:
        return None
    provider_staff = staff.get(provider[0].staff_id)
    if provider_staff is None:
        return None
    supervisor_id = effective_supervisor(case, provider_staff, day)
    if supervisor_id is None or supervisor_id not in staff:
        return None
    return StaffView(
        assignment_id=None,
        staff_id=supervisor_id,
        name=staff[supervisor_id].name,
        duty=StaffDuty.SUPERVISOR.label,
        since=None,
        note=f"default supervisor of {provider_staff.name}",
    )
