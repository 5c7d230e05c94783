"""Who may read and change what: pure functions of an actor and a case.

Every use case asks these functions before it reads or changes anything; adapters only hide
buttons as a courtesy. The rules follow DOMAIN.md "Separation of responsibilities":

- clinicians see the cases where they hold a responsibility (provider, co-therapist, case-level
  supervisor), and an associate's default supervisor sees the associate's cases;
- administrators see schedules, contacts and money of the cases they support, never clinical
  content;
- the owner manages every case and the staff, and reads clinical content only when the practice
  is configured that way;
- portal users (participants, payers, helpers) get exactly what their responsibility allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.domain.cases.case import Case
from core.domain.cases.responsibilities import HelperKind, StaffDuty
from core.domain.cases.staffing import OnDay
from core.domain.directory.parties import StaffMember, StaffRole
from core.domain.shared.audit import Origin
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import PersonId, StaffId


class Permission(StrEnum):
    VIEW_CASE = "view_case"  # name, kind, status, participants, responsibilities, contacts
    VIEW_SCHEDULE = "view_schedule"
    MANAGE_CASE = "manage_case"  # name, status, membership, communication, helpers, admin
    ASSIGN_CLINICIANS = "assign_clinicians"  # provider, co-therapists, supervision
    VIEW_BILLING = "view_billing"
    MANAGE_BILLING = "manage_billing"
    VIEW_CLINICAL = "view_clinical"  # diagnoses, notes, treatment plans
    WRITE_CLINICAL = "write_clinical"
    # portal-only
    REQUEST_SCHEDULE_CHANGE = "request_schedule_change"
    SIGN_FORMS = "sign_forms"
    RECEIVE_MESSAGES = "receive_messages"


@dataclass(frozen=True, slots=True)
class StaffActor:
    """A signed-in staff member, with what their access depends on beyond their own record."""

    id: StaffId
    name: str
    roles: frozenset[StaffRole]
    supports: frozenset[StaffId] = field(default_factory=frozenset)
    supervisees: frozenset[StaffId] = field(default_factory=frozenset)
    owner_sees_clinical: bool = False
    origin: Origin | None = None  # where the request came from, for the audit log

    @classmethod
    def of(
        cls,
        staff: StaffMember,
        supervisees: frozenset[StaffId] = frozenset(),
        owner_sees_clinical: bool = False,
    ) -> StaffActor:
        return cls(
            id=staff.id,
            name=staff.name,
            roles=staff.roles,
            supports=staff.supports,
            supervisees=supervisees,
            owner_sees_clinical=owner_sees_clinical,
        )

    def has(self, role: StaffRole) -> bool:
        return role in self.roles

    @property
    def is_owner(self) -> bool:
        return StaffRole.OWNER in self.roles


@dataclass(frozen=True, slots=True)
class PortalActor:
    """A participant, payer or helper signed in to the portal."""

    person_id: PersonId


Actor = StaffActor | PortalActor

_TREATING = {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST}
_EVERYTHING_BUT_CLINICAL = frozenset(
    {
        Permission.VIEW_CASE,
        Permission.VIEW_SCHEDULE,
        Permission.MANAGE_CASE,
        Permission.VIEW_BILLING,
        Permission.MANAGE_BILLING,
    }
)


def reference_day(case: OnDay, today: date) -> date:
    """The day whose responsibilities decide access: today, or the last day of a closed case
    (so its last clinicians can still read it), or the first day of a case opening later."""
    if case.closed_on is not None and case.closed_on < today:
        return case.closed_on
    return max(today, case.opened_on)


def case_permissions(actor: Actor, case: Case, today: date) -> frozenset[Permission]:
    if isinstance(actor, PortalActor):
        return _portal_permissions(actor, case, today)
    return staff_permissions(actor, case, today)


def staff_permissions(actor: StaffActor, case: OnDay, today: date) -> frozenset[Permission]:
    """A staff member's: decided by the case's staff on its reference day alone, so that a
    list's light read of a case (`CaseListing`) is judged as the whole aggregate is."""
    day = reference_day(case, today)
    granted: set[Permission] = set()
    duties = case.duties_of(actor.id, day)
    if duties & _TREATING or StaffDuty.SUPERVISOR in duties:
        granted |= _EVERYTHING_BUT_CLINICAL | {Permission.VIEW_CLINICAL}
    if duties & _TREATING:
        granted |= {Permission.WRITE_CLINICAL, Permission.ASSIGN_CLINICIANS}
    treating = {a.staff_id for a in case.staff_on(day) if a.duty in _TREATING}
    if actor.has(StaffRole.SUPERVISOR) and treating & actor.supervisees:
        granted |= {
            Permission.VIEW_CASE,
            Permission.VIEW_SCHEDULE,
            Permission.VIEW_BILLING,
            Permission.VIEW_CLINICAL,
        }
    if actor.has(StaffRole.ADMINISTRATOR) and (
        StaffDuty.ADMIN_SUPPORT in duties or treating & actor.supports
    ):
        granted |= _EVERYTHING_BUT_CLINICAL
    if actor.is_owner:
        granted |= _EVERYTHING_BUT_CLINICAL | {Permission.ASSIGN_CLINICIANS}
        if actor.owner_sees_clinical:
            granted.add(Permission.VIEW_CLINICAL)
    return frozenset(granted)


def _portal_permissions(actor: PortalActor, case: Case, today: date) -> frozenset[Permission]:
    day = reference_day(case, today)
    me = actor.person_id
    preference = case.communication.get(me)
    portal = preference is not None and preference.portal_access
    granted: set[Permission] = set()
    if portal and any(m.person_id == me for m in case.members_on(day)):
        granted |= {Permission.VIEW_SCHEDULE, Permission.RECEIVE_MESSAGES}
    if portal and case.pays(me, day):
        granted.add(Permission.VIEW_BILLING)
    for helper in case.helpers_on(day):
        if helper.helper_id != me:
            continue
        granted |= {
            HelperKind.REPRESENTATIVE: {Permission.SIGN_FORMS},
            HelperKind.SCHEDULING_HELPER: {
                Permission.VIEW_SCHEDULE,
                Permission.REQUEST_SCHEDULE_CHANGE,
            },
            HelperKind.MESSAGE_RECIPIENT: {Permission.RECEIVE_MESSAGES},
        }[helper.kind]
    return frozenset(granted)


def require(actor: Actor, case: Case, today: date, permission: Permission) -> frozenset[Permission]:
    """Raise unless `actor` holds `permission` on `case`.

    Someone who may not even see the case is told it does not exist, so that case ids cannot be
    probed; someone who sees it but may not do this is told so.
    """
    granted = case_permissions(actor, case, today)
    if permission in granted:
        return granted
    if Permission.VIEW_CASE not in granted and Permission.VIEW_SCHEDULE not in granted:
        raise NotFound("No such case.")
    raise Forbidden(_REFUSALS.get(permission, "Your role does not allow this on this case."))


_REFUSALS = {
    Permission.VIEW_CLINICAL: "Clinical records of this case are visible only to its clinicians "
    "and supervisor.",
    Permission.WRITE_CLINICAL: "Only the clinicians treating this case write its clinical records.",
    Permission.ASSIGN_CLINICIANS: "Only the case's clinicians and the practice owner change who "
    "treats or supervises it.",
    Permission.MANAGE_BILLING: "Your role does not include billing for this case.",
    Permission.VIEW_BILLING: "Your role does not include billing for this case.",
}


# ----- lists of cases ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffScope:
    """Cases where one of `staff_ids` holds one of `duties` on the case's reference day."""

    staff_ids: frozenset[StaffId]
    duties: frozenset[StaffDuty]

    def matches(self, case: OnDay, today: date) -> bool:
        day = reference_day(case, today)
        return any(
            a.staff_id in self.staff_ids and a.duty in self.duties for a in case.staff_on(day)
        )


def listing_scope(actor: StaffActor) -> tuple[StaffScope, ...] | None:
    """The cases a staff member may see, as rules a store can apply before paging (None: all).

    The same rules as `case_permissions` grants VIEW_CASE by, so that a page of the case list is
    never short and its total counts only what the actor may open."""
    if actor.is_owner:
        return None
    own = {StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST, StaffDuty.SUPERVISOR}
    if actor.has(StaffRole.ADMINISTRATOR):
        own.add(StaffDuty.ADMIN_SUPPORT)
    scopes = [StaffScope(frozenset({actor.id}), frozenset(own))]
    if actor.has(StaffRole.SUPERVISOR) and actor.supervisees:
        scopes.append(StaffScope(actor.supervisees, frozenset(_TREATING)))
    if actor.has(StaffRole.ADMINISTRATOR) and actor.supports:
        scopes.append(StaffScope(actor.supports, frozenset(_TREATING)))
    return tuple(scopes)


# ----- staff-level decisions ----------------------------------------------------------------------


# Who may change which staff duty: treating and supervising are clinical decisions, support is
# administrative.
DUTY_PERMISSION = {
    StaffDuty.RESPONSIBLE_PROVIDER: Permission.ASSIGN_CLINICIANS,
    StaffDuty.CO_THERAPIST: Permission.ASSIGN_CLINICIANS,
    StaffDuty.SUPERVISOR: Permission.ASSIGN_CLINICIANS,
    StaffDuty.ADMIN_SUPPORT: Permission.MANAGE_CASE,
}


def assignable_duties(granted: frozenset[Permission]) -> list[StaffDuty]:
    return [duty for duty, needed in DUTY_PERMISSION.items() if needed in granted]


def require_may_assign(
    actor: Actor, case: Case, today: date, staff_id: StaffId, duty: StaffDuty
) -> None:
    """Whoever may assign clinicians may not thereby give themselves a clinical duty on a case
    whose clinical records they cannot read: the owner who is not configured to see clinical
    content asks the case's clinician instead. Otherwise a setting could be walked around."""
    if (
        isinstance(actor, StaffActor)
        and staff_id == actor.id
        and duty is not StaffDuty.ADMIN_SUPPORT
        and Permission.VIEW_CLINICAL not in case_permissions(actor, case, today)
    ):
        raise Forbidden(
            "You cannot join this case's clinical team yourself; its clinician can add you.",
            field="staff_id",
        )


def may_manage_staff(actor: Actor) -> bool:
    return isinstance(actor, StaffActor) and actor.is_owner


def may_open_case_for(actor: Actor, provider_id: StaffId) -> bool:
    """Clinicians open their own cases; administrators for clinicians they support; the owner
    for anyone."""
    if not isinstance(actor, StaffActor):
        return False
    if actor.is_owner:
        return True
    if actor.has(StaffRole.CLINICIAN) and provider_id == actor.id:
        return True
    return actor.has(StaffRole.ADMINISTRATOR) and provider_id in actor.supports


def may_see_caseload(actor: Actor, clinician_id: StaffId) -> bool:
    if not isinstance(actor, StaffActor):
        return False
    return (
        actor.id == clinician_id
        or actor.is_owner
        or clinician_id in actor.supervisees
        or (actor.has(StaffRole.ADMINISTRATOR) and clinician_id in actor.supports)
    )


def person_permissions(actor: Actor, cases: Iterable[Case], today: date) -> frozenset[Permission]:
    """What a staff member may do with a person's record (details and contact data).

    A person nobody works with yet is an open directory entry; otherwise the record follows the
    cases: readable through any case the actor may see, changeable through any case the actor
    manages. The owner keeps the directory."""
    if not isinstance(actor, StaffActor):
        return frozenset()
    record = frozenset({Permission.VIEW_CASE, Permission.MANAGE_CASE})
    cases = list(cases)
    if actor.is_owner or not cases:
        return record
    granted: set[Permission] = set()
    for case in cases:
        granted |= case_permissions(actor, case, today) & record
    return frozenset(granted)


def may_change_organization(actor: Actor, paid_cases: Iterable[Case], today: date) -> bool:
    """An organization's details decide where invoices go: they are changed by the owner, or by
    staff who handle billing on a case it pays for (or by anyone, while it pays for none)."""
    if not isinstance(actor, StaffActor):
        return False
    cases = list(paid_cases)
    return (
        actor.is_owner
        or not cases
        or any(Permission.MANAGE_BILLING in case_permissions(actor, c, today) for c in cases)
    )


def may_use_directory(actor: Actor) -> bool:
    """Staff find and register people and organizations: identity and contact details are not
    clinical, and finding an existing person is what keeps them from being entered twice."""
    return isinstance(actor, StaffActor)


def working_for(actor: Actor, case: Case, today: date) -> StaffId | None:
    """On whose behalf the actor works in this case: an administrator handling a clinician's
    case (without a clinical duty of their own there) works for its responsible provider; anyone
    else for themselves (None)."""
    if not isinstance(actor, StaffActor) or not actor.has(StaffRole.ADMINISTRATOR):
        return None
    provider = case.responsible_provider_on(today)
    if provider in (None, actor.id) or case.duties_of(actor.id, today) - {StaffDuty.ADMIN_SUPPORT}:
        return None
    return provider
