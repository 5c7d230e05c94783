"""Read models for screens: everything one screen shows, built in a fixed number of queries
whatever the size of the practice, and cut to what the actor may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

import msgspec

from core.domain.access import (
    DUTY_PERMISSION,
    Actor,
    Permission,
    StaffActor,
    StaffScope,
    assignable_duties,
    case_permissions,
    listing_scope,
    may_change_organization,
    may_see_caseload,
    person_permissions,
    reference_day,
    require,
)
from core.domain.case import Case, CaseStatus, Membership
from core.domain.case_kinds import CaseKind, RecordType
from core.domain.errors import Forbidden, NotFound
from core.domain.history import CaseEvent
from core.domain.parties import Organization, Person, StaffMember, StaffRole
from core.domain.responsibilities import PayerKind, StaffDuty
from core.domain.supervision import effective_supervisor
from core.domain.values import CaseId, OrganizationId, PersonId, StaffId
from core.ports import CaseListQuery
from core.services.context import Deps, load_case


class View(msgspec.Struct, frozen=True, kw_only=True):
    pass


class MemberView(View, frozen=True, kw_only=True):
    membership_id: UUID
    person_id: PersonId
    name: str
    role: str
    joined_on: date
    left_on: date | None


class StaffView(View, frozen=True, kw_only=True):
    assignment_id: UUID | None
    staff_id: StaffId
    name: str
    duty: str
    since: date | None
    until: date | None = None
    note: str = ""  # "default supervisor of the associate", "supports all of Dr. Lee's cases"
    can_end: bool = False  # a running duty of this case the actor may end (not the provider)


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


class DiagnosisView(View, frozen=True, kw_only=True):
    diagnosis_id: UUID
    person_id: PersonId
    name: str
    code: str
    description: str
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
    communication: list[CommunicationView]
    helpers: list[HelperView]
    diagnoses: list[DiagnosisView] | None  # None: not visible, or not a psychotherapy case
    record_types: list[str]
    permissions: list[str]
    assignable_duties: list[tuple[str, str]]  # (duty, label) the actor may give on this case


def _member_view(m: Membership, names: dict[PersonId, str]) -> MemberView:
    return MemberView(
        membership_id=m.id,
        person_id=m.person_id,
        name=names.get(m.person_id, "(unknown)"),
        role=m.role.label,
        joined_on=m.period.start,
        left_on=m.period.end,
    )


async def case_overview(deps: Deps, actor: Actor, case_id: CaseId) -> CaseOverview:
    return (await case_page(deps, actor, case_id, with_history=False)).overview


class CasePage(View, frozen=True, kw_only=True):
    """The case screen: the overview, its history, and the active staff to choose from."""

    overview: CaseOverview
    history: list[HistoryEntry]
    staff: list[StaffMember]


async def case_page(
    deps: Deps, actor: Actor, case_id: CaseId, *, with_history: bool = True
) -> CasePage:
    """Everything the case screen shows, in one unit of work and a fixed set of queries."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CASE)
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
    return CasePage(
        overview=build_overview(case, granted, today, people, staff, organizations),
        history=_history(events, names, Permission.VIEW_CLINICAL in granted),
        staff=[s for s in staff.values() if s.active],
    )


def build_overview(
    case: Case,
    granted: frozenset[Permission],
    today: date,
    people: dict[PersonId, Person],
    staff: dict[StaffId, StaffMember],
    organizations: dict,
) -> CaseOverview:
    day = reference_day(case, today)
    names = {pid: p.display_name for pid, p in people.items()}
    staff_name = {sid: s.name for sid, s in staff.items()}
    current = case.members_on(day)
    current_ids = {m.id for m in current}

    def staff_view(a, note: str = "") -> StaffView:
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
        org = organizations.get(payer_id)
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
    diagnoses = (
        [
            DiagnosisView(
                diagnosis_id=d.id,
                person_id=d.person_id,
                name=names.get(d.person_id, ""),
                code=d.code,
                description=d.description,
                since=d.period.start,
                until=d.period.end,
            )
            for d in case.diagnoses
        ]
        if Permission.VIEW_CLINICAL in granted and case.policy.allows(RecordType.DIAGNOSIS)
        else None
    )
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
        members_now=[_member_view(m, names) for m in current],
        members_before=[
            _member_view(m, names)
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
        diagnoses=diagnoses,
        record_types=sorted(r.value for r in case.policy.records),
        permissions=sorted(p.value for p in granted),
        assignable_duties=(
            [(d.value, d.label) for d in assignable_duties(granted)] if case.is_open else []
        ),
    )


_TREATING = (StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST)


def _supervisor_view(case, day, provider, staff, staff_view) -> StaffView | None:
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


# ----- history ------------------------------------------------------------------------------------


class HistoryEntry(View, frozen=True, kw_only=True):
    at: datetime
    actor: str
    on_behalf_of: str | None
    action: str
    summary: str


async def case_history(deps: Deps, actor: Actor, case_id: CaseId) -> list[HistoryEntry]:
    """The case's changes, newest first; clinical entries only for clinical readers."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CASE)
        events = await uow.history.for_case(case_id)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    return _history(events, staff, Permission.VIEW_CLINICAL in granted)


def _history(
    events: list[CaseEvent], staff: dict[StaffId, str], clinical: bool
) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=e.at,
            actor=staff.get(e.actor_id, "(former staff)") if e.actor_id else "portal",
            on_behalf_of=staff.get(e.on_behalf_of) if e.on_behalf_of else None,
            action=e.action,
            summary=e.summary,
        )
        for e in events
        if clinical or not e.clinical
    ]


# ----- lists of cases -----------------------------------------------------------------------------


class CaseSummary(View, frozen=True, kw_only=True):
    id: CaseId
    name: str
    kind: str
    kind_label: str
    status: str
    opened_on: date
    provider_name: str
    active_members: int
    roles: list[str]  # the viewer's (or the person's) relation to the case


def _summary(case: Case, day: date, staff: dict[StaffId, str], roles: list[str]) -> CaseSummary:
    ref = reference_day(case, day)
    provider = case.responsible_provider_on(ref)
    return CaseSummary(
        id=case.id,
        name=case.name,
        kind=case.kind.value,
        kind_label=case.policy.label,
        status=case.status.value,
        opened_on=case.opened_on,
        provider_name=staff.get(provider, "") if provider else "",
        active_members=len(case.members_on(ref)),
        roles=roles,
    )


def _by_name(summaries: Iterable[CaseSummary]) -> list[CaseSummary]:
    return sorted(summaries, key=lambda s: (s.status == "closed", s.name.casefold(), str(s.id)))


async def caseload(
    deps: Deps, actor: Actor, clinician_id: StaffId, *, include_closed: bool = False
) -> list[CaseSummary]:
    """The cases a clinician treats or supervises today (or treated, for closed ones)."""
    if not may_see_caseload(actor, clinician_id):
        raise Forbidden("You may see your own caseload and those of staff you work with.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        ids = await uow.cases.ids_for_staff([clinician_id])
        cases = await uow.cases.get_many(ids)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    result = []
    for case in cases:
        if not include_closed and not case.is_open:
            continue
        duties = case.duties_of(clinician_id, reference_day(case, today))
        if not duties:
            continue
        if not case_permissions(actor, case, today):
            continue
        result.append(_summary(case, today, staff, sorted(d.label for d in duties)))
    return _by_name(result)


class PersonCases(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    cases: list[CaseSummary]


def _person_roles(case: Case, person_id: PersonId) -> list[str]:
    roles = {
        f"{m.role.label}{'' if m.period.end is None else ' (former)'}"
        for m in case.memberships
        if m.person_id == person_id
    }
    for b in case.billing:
        if b.payer.kind is PayerKind.PERSON and b.payer.id == person_id:
            roles.add("payer" if b.period.end is None else "payer (former)")
    roles |= {
        h.kind.label for h in case.helpers if h.helper_id == person_id and h.period.end is None
    }
    pref = case.communication.get(person_id)
    if pref is not None and pref.receives_anything and not roles:
        roles.add("receives communication")
    return sorted(roles)


async def person_cases(deps: Deps, actor: Actor, person_id: PersonId) -> PersonCases:
    """Every case the person is in, pays for or helps with — those the actor may see."""
    person, cases, _ = await _person_and_cases(deps, actor, person_id)
    return PersonCases(person_id=person.id, name=person.display_name, cases=cases)


class PersonPage(View, frozen=True, kw_only=True):
    person: Person
    cases: list[CaseSummary]
    can_edit: bool  # see access.person_permissions


async def person_page(deps: Deps, actor: Actor, person_id: PersonId) -> PersonPage:
    """A person's record and the cases the actor may see, for staff who work with one of
    their cases (or anyone, while they are in none)."""
    person, cases, granted = await _person_and_cases(deps, actor, person_id)
    if Permission.VIEW_CASE not in granted:
        raise NotFound("No such person.")
    return PersonPage(person=person, cases=cases, can_edit=Permission.MANAGE_CASE in granted)


async def _person_and_cases(
    deps: Deps, actor: Actor, person_id: PersonId
) -> tuple[Person, list[CaseSummary], frozenset[Permission]]:
    """The person, the summaries of their cases the actor may see, and what the actor may do
    with the person's record — in one unit of work."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members see a person's cases.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("No such person.")
        cases = await uow.cases.get_many(await uow.cases.ids_for_person(person_id))
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    visible = [
        _summary(case, today, staff, _person_roles(case, person_id))
        for case in cases
        if Permission.VIEW_CASE in case_permissions(actor, case, today)
    ]
    return person, _by_name(visible), person_permissions(actor, cases, today)


async def members_on(deps: Deps, actor: Actor, case_id: CaseId, day: date) -> list[MemberView]:
    """Who was in the case on `day`."""
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        require(actor, case, deps.clock.today(), Permission.VIEW_CASE)
        members = case.members_on(day)
        people = await uow.people.get_many(m.person_id for m in members)
    names = {pid: p.display_name for pid, p in people.items()}
    return [_member_view(m, names) for m in members]


# ----- the case list ------------------------------------------------------------------------------


# A clinician's caseload: the cases they treat or supervise.
_CASELOAD_DUTIES = frozenset(
    {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST, StaffDuty.SUPERVISOR}
)


class CaseFilter(msgspec.Struct, frozen=True, kw_only=True):
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    open_only: bool = False
    clinician_id: StaffId | None = None  # "my caseload" is the actor's own id
    text: str = ""
    page: int = 1
    per_page: int = 50


class CaseListPage(View, frozen=True, kw_only=True):
    items: list[CaseSummary]
    total: int
    page: int
    pages: int


async def list_cases(deps: Deps, actor: Actor, f: CaseFilter) -> CaseListPage:
    """A page of the cases the actor may see, by name. The store narrows by staff first, so
    the page stays one fixed set of queries on thousands of cases."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members list cases.")
    today = deps.clock.today()
    held_by = None
    if f.clinician_id is not None:
        if not may_see_caseload(actor, f.clinician_id):
            raise Forbidden("You may list your own cases and those of staff you work with.")
        held_by = StaffScope(frozenset({f.clinician_id}), _CASELOAD_DUTIES)
    per_page = max(1, min(f.per_page, 200))
    page = max(1, f.page)
    async with deps.uow() as uow:
        cases, total = await uow.cases.list_page(
            CaseListQuery(
                today=today,
                visible_to=listing_scope(actor),
                held_by=held_by,
                kind=f.kind,
                status=f.status,
                open_only=f.open_only,
                text=f.text.strip()[:100],
                limit=per_page,
                offset=(page - 1) * per_page,
            )
        )
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    items = [
        _summary(case, today, staff, sorted(d.label for d in case.duties_of(actor.id, today)))
        for case in cases
        # The store applied the same rules; this is the policy's own word on each row.
        if Permission.VIEW_CASE in case_permissions(actor, case, today)
    ]
    return CaseListPage(items=items, total=total, page=page, pages=max(1, -(-total // per_page)))


# ----- screens of the web UI ----------------------------------------------------------------------


async def practice_has_staff(deps: Deps) -> bool:
    """False only before the first owner exists: the web offers its one-time setup page then."""
    async with deps.uow() as uow:
        return await uow.staff.count() > 0


async def case_clinical(deps: Deps, actor: Actor, case_id: CaseId) -> CaseOverview:
    """The case with its clinical panel, for clinical readers of a psychotherapy case only:
    anyone else is refused, whatever URL they type."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CLINICAL)
        case.policy.require(RecordType.DIAGNOSIS)
        people = await uow.people.get_many(case.related_person_ids())
        staff = {s.id: s for s in await uow.staff.list_all()}
    return build_overview(case, granted, today, people, staff, {})


class OrganizationCases(View, frozen=True, kw_only=True):
    organization: Organization
    cases: list[CaseSummary]
    can_edit: bool  # see access.may_change_organization


async def organization_page(
    deps: Deps, actor: Actor, organization_id: OrganizationId
) -> OrganizationCases:
    """An organization's details and the cases it pays for that the actor may see."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members see an organization's cases.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        organization = await uow.organizations.get(organization_id)
        if organization is None:
            raise NotFound("No such organization.")
        cases = await uow.cases.get_many(await uow.cases.ids_for_organization(organization_id))
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    return OrganizationCases(
        organization=organization,
        can_edit=may_change_organization(actor, cases, today),
        cases=_by_name(
            _summary(case, today, staff, ["payer"])
            for case in cases
            if Permission.VIEW_CASE in case_permissions(actor, case, today)
        ),
    )
