"""The case aggregate: the relationship or service being treated.

(Over 400 lines on purpose: one aggregate whose invariants span all its lists stays one class.)

A case owns its memberships and every responsibility attached to it, so that one version number
guards all of its invariants: a participant limit can only be checked against all memberships,
"exactly one responsible provider" only against all provider periods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from core.domain.cases import events as ev
from core.domain.cases.kinds import CaseKind, KindPolicy, MemberRole, RecordType, policy
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerKind,
    StaffAssignment,
    StaffDuty,
)
from core.domain.cases.staffing import OnDay
from core.domain.directory.parties import Channel
from core.domain.shared.errors import (
    CaseFull,
    InvalidInput,
    InvariantViolation,
    NotFound,
    PeriodConflict,
)
from core.domain.shared.events import EventLog
from core.domain.shared.values import (
    ONE_DAY,
    CaseId,
    OrganizationId,
    Period,
    PersonId,
    StaffId,
    clean_name,
    clean_text,
)


class CaseStatus(StrEnum):
    INTAKE = "intake"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


MAX_CAPACITY = 500

# Any record of the case with an `id` and a `period`.
T = TypeVar("T", bound=Any)


@dataclass(frozen=True, slots=True)
class Membership:
    id: UUID
    person_id: PersonId
    role: MemberRole
    period: Period


# What can be marked "entered in error", by the list of the case that holds it.
# (The audit log's name of each, as their creation's event gives it.)
CORRECTABLE = {
    "memberships": "membership",
    "staff": "staff_assignment",
    "billing": "billing_responsibility",
    "helpers": "helper_role",
}
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class EnteredInError:
    """An item of the case recorded by mistake. It leaves the case's lists, so that no
    calculation or current view counts it, and is kept here with who said so, when and why."""

    item: Membership | StaffAssignment | BillingResponsibility | HelperRole
    reason: str
    by: StaffId | None
    at: datetime

    @property
    def id(self) -> UUID:
        return self.item.id

    @property
    def kind(self) -> str:
        return {
            Membership: "memberships",
            StaffAssignment: "staff",
            BillingResponsibility: "billing",
            HelperRole: "helpers",
        }[type(self.item)]


@dataclass(slots=True)
class Case(OnDay):
    id: CaseId
    kind: CaseKind
    name: str
    opened_on: date
    status: CaseStatus = CaseStatus.INTAKE
    closed_on: date | None = None
    capacity: int | None = None
    memberships: list[Membership] = field(default_factory=list)
    staff: list[StaffAssignment] = field(default_factory=list)
    billing: list[BillingResponsibility] = field(default_factory=list)
    communication: dict[PersonId, CommunicationPreference] = field(default_factory=dict)
    helpers: list[HelperRole] = field(default_factory=list)
    entered_in_error: list[EnteredInError] = field(default_factory=list)
    # Booking and coding defaults (see `set_usual_service`, `name_identified_client`).
    usual_service_id: UUID | None = None
    identified_client_id: PersonId | None = None
    version: int = 0
    # What happened since it was loaded: not state, not an argument, not compared.
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.kind = CaseKind(self.kind)
        self.status = CaseStatus(self.status)
        self.name = clean_name(self.name, field="name", what="Case name")
        if self.capacity is not None:
            if not self.policy.has_capacity:
                raise InvalidInput(
                    f"A {self.policy.label} case has a fixed size, not a capacity.",
                    field="capacity",
                )
            if not 1 <= self.capacity <= MAX_CAPACITY:
                raise InvalidInput(
                    f"Capacity is a number from 1 to {MAX_CAPACITY}.", field="capacity"
                )

    # ----- opening, status, closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        id: CaseId,
        kind: CaseKind,
        name: str,
        opened_on: date,
        responsible_provider: StaffId,
        new_id: Callable[[], UUID],
        participants: Iterable[tuple[PersonId, MemberRole | None]] = (),
        capacity: int | None = None,
        status: CaseStatus = CaseStatus.INTAKE,
    ) -> Case:
        if status is CaseStatus.CLOSED:
            raise InvalidInput("A case cannot be opened closed.", field="status")
        case = cls(
            id=id, kind=kind, name=name, opened_on=opened_on, status=status, capacity=capacity
        )
        case.assign_responsible_provider(new_id(), responsible_provider, opened_on)
        for person_id, role in participants:
            case.add_member(new_id(), person_id, role, opened_on)
        needed = case.policy.min_active
        if len(case.members_on(opened_on)) < needed:
            raise InvariantViolation(
                f"A {case.policy.label} case starts with at least {needed} "
                f"{case.policy.participant_word}.",
                field="participants",
            )
        # One event for the whole opening: its members and provider are part of it.
        case.events.pull()
        case.events.record(
            ev.CaseOpened(
                case_id=id,
                kind=case.kind,
                responsible_provider=responsible_provider,
                opened_on=opened_on,
            )
        )
        return case

    @property
    def policy(self) -> KindPolicy:
        return policy(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status is not CaseStatus.CLOSED

    def require_open(self) -> None:
        if not self.is_open:
            raise InvariantViolation("This case is closed. Reopen it to change it.")

    def rename(self, name: str) -> None:
        self.require_open()
        before, self.name = self.name, clean_name(name, field="name", what="Case name")
        self.events.record(ev.CaseRenamed(case_id=self.id, before=before, after=self.name))

    def set_capacity(self, capacity: int | None) -> None:
        self.require_open()
        self.capacity = capacity
        self.__post_init__()
        self._check_limit()
        self.events.record(ev.CapacitySet(case_id=self.id, capacity=capacity))

    def change_status(self, status: CaseStatus) -> None:
        """Move between intake, active and on hold. Closing has its own rules (`close`)."""
        self.require_open()
        status = CaseStatus(status)
        if status is CaseStatus.CLOSED:
            raise InvalidInput("Use 'close case' to close a case.", field="status")
        if status is CaseStatus.INTAKE and self.status is not CaseStatus.INTAKE:
            raise InvalidInput("A case that has started cannot go back to intake.", field="status")
        self.status = status
        self.events.record(ev.StatusChanged(case_id=self.id, status=status.value))

    def close(self, on: date) -> None:
        """Close on `on`: every running membership and responsibility ends that day."""
        self.require_open()
        self._not_before_opening(on, "closing date")
        latest = max(
            [m.period.start for m in self.memberships]
            + [a.period.start for a in self.staff]
            + [b.period.start for b in self.billing]
            + [h.period.start for h in self.helpers],
            default=self.opened_on,
        )
        if on < latest:
            raise PeriodConflict(
                f"Something in this case starts on {latest.isoformat()}; close it on or after "
                "that day.",
                field="closed_on",
            )
        self.memberships = [_end(m, on) for m in self.memberships]
        self.staff = [_end(a, on) for a in self.staff]
        self.billing = [_end(b, on) for b in self.billing]
        self.helpers = [_end(h, on) for h in self.helpers]
        self.status = CaseStatus.CLOSED
        self.closed_on = on
        self.events.record(ev.CaseClosed(case_id=self.id, closed_on=on))

    def reopen(self, on: date, responsible_provider: StaffId, new_id: Callable[[], UUID]) -> None:
        """Reopen after closing: the members present at closing return with new periods."""
        if self.is_open:
            raise InvariantViolation("This case is already open.")
        assert self.closed_on is not None
        if on <= self.closed_on:
            raise PeriodConflict(
                f"The case closed on {self.closed_on.isoformat()}; reopen it after that day.",
                field="reopened_on",
            )
        returning = self.members_on(self.closed_on)
        self.status = CaseStatus.ACTIVE
        self.closed_on = None
        self.assign_responsible_provider(new_id(), responsible_provider, on)
        recorded = len(self.events.pending)
        for m in returning:
            self.add_member(new_id(), m.person_id, m.role, on)
        # One event for the reopening: the provider and the returning members are part of it.
        del self.events.pending[recorded:]
        self.events.record(
            ev.CaseReopened(
                case_id=self.id, reopened_on=on, responsible_provider=responsible_provider
            )
        )

    # ----- membership (who is on the case on a day: `OnDay`) ------------------------------------

    def ever_member(self, person_id: PersonId) -> bool:
        return any(m.person_id == person_id for m in self.memberships)

    def add_member(
        self,
        membership_id: UUID,
        person_id: PersonId,
        role: MemberRole | None,
        joined_on: date,
        left_on: date | None = None,
        *,
        unreachable: bool = False,
    ) -> Membership:
        """`unreachable`: reminders were asked for, but the person has no email or SMS yet
        (the event says so, for the history)."""
        self.require_open()
        role = self.policy.default_role if role is None else MemberRole(role)
        if role not in self.policy.member_roles:
            allowed = ", ".join(r.label for r in self.policy.member_roles)
            raise InvalidInput(
                f"In a {self.policy.label} case a participant is a {allowed}, not a {role.label}.",
                field="role",
            )
        self._not_before_opening(joined_on, "joining date")
        period = Period(joined_on, left_on)
        for m in self.memberships:
            if m.person_id == person_id and m.period.overlaps(period):
                raise PeriodConflict(
                    "This person is already in the case during that time "
                    f"(since {m.period.start.isoformat()}). A person who returns after leaving "
                    "gets a new period that starts after the old one ended.",
                    field="joined_on",
                )
        membership = Membership(membership_id, person_id, role, period)
        self.memberships.append(membership)
        try:
            self._check_limit()
        except CaseFull:
            self.memberships.pop()
            raise
        self.events.record(
            ev.MemberJoined(
                case_id=self.id,
                membership_id=membership_id,
                person_id=person_id,
                role=role,
                joined_on=joined_on,
                unreachable=unreachable,
            )
        )
        return membership

    def end_membership(
        self,
        membership_id: UUID,
        left_on: date,
        *,
        keep_billing: bool = False,
        attendance_after_leaving: bool = False,
    ) -> Membership:
        """The member's last day is `left_on`. What the case does for them ends with it: their
        reminders and portal access in this case, and (unless `keep_billing`) the payers who
        cover them. `attendance_after_leaving`: the clinician confirmed that attendance
        recorded after that day stays (scheduling refuses otherwise)."""
        self.require_open()
        current = self._find(self.memberships, membership_id, "membership")
        if current.period.end is not None:
            raise InvariantViolation("This membership has already ended.")
        ended = _end(current, left_on)  # raises if left_on is before joining
        self._keeps_enough_after(left_on, without=current)
        self.memberships = [ended if m is current else m for m in self.memberships]
        self.events.record(
            ev.MemberLeft(
                case_id=self.id,
                membership_id=ended.id,
                person_id=ended.person_id,
                left_on=left_on,
                attendance_after_leaving=attendance_after_leaving,
            )
        )
        if not keep_billing:
            for b in list(self.billing):
                if (
                    b.covers == ended.person_id
                    and b.period.contains(left_on)
                    and b.period.end != left_on
                ):
                    done = self._end_item("billing", b, left_on)
                    self.events.record(
                        ev.PayerEnded(case_id=self.id, responsibility=done, on=left_on, joins=True)
                    )
        self._stop_reaching(ended.person_id)
        return ended

    def change_membership_end(
        self, membership_id: UUID, left_on: date | None, *, attendance_after_leaving: bool = False
    ) -> Membership:
        """Correct a membership's last day, or remove it (`None`: a member again, as if they had
        never left). Nothing else follows: billing and reminders are changed on their own."""
        self.require_open()
        current = self._find(self.memberships, membership_id, "membership")
        if current.period.end == left_on:
            raise InvalidInput("That is already its last day.", field="left_on")
        changed = replace(current, period=Period(current.period.start, left_on))
        for m in self.memberships:
            if (
                m is not current
                and m.person_id == current.person_id
                and m.period.overlaps(changed.period)
            ):
                raise PeriodConflict(
                    "This person has another period in the case from "
                    f"{m.period.start.isoformat()}; that would overlap it.",
                    field="left_on",
                )
        if left_on is not None:
            self._keeps_enough_after(left_on, without=current)
        before = self.memberships
        self.memberships = [changed if m is current else m for m in self.memberships]
        try:
            self._check_limit()
        except CaseFull as full:
            self.memberships = before
            raise CaseFull(full.message, field="left_on") from None
        self.events.record(
            ev.MembershipEndChanged(
                case_id=self.id,
                membership_id=changed.id,
                person_id=changed.person_id,
                before=current.period.end,
                after=left_on,
                attendance_after_leaving=attendance_after_leaving,
            )
        )
        return changed

    def _keeps_enough_after(self, left_on: date, *, without: Membership) -> None:
        remaining = [
            m for m in self.memberships if m is not without and m.period.contains(left_on + ONE_DAY)
        ]
        if len(remaining) < self.policy.min_active:
            raise InvariantViolation(
                f"A {self.policy.label} case keeps at least {self.policy.min_active} "
                f"{self.policy.participant_word} while it is open. Close the case instead, "
                "or add who continues first.",
                field="left_on",
            )

    def _check_limit(self) -> None:
        limit = self.policy.limit(self.capacity)
        if limit is None:
            return
        # The number of active members only rises when a period starts, so checking every
        # start date checks every date.
        for day in {m.period.start for m in self.memberships}:
            active = len(self.members_on(day))
            if active > limit:
                word = self.policy.participant_word
                raise CaseFull(
                    f"A {self.policy.label} case can have at most {limit} active "
                    f"{word}{'s' if limit > 1 else ''} at once; on {day.isoformat()} it would "
                    f"have {active}.",
                    field="person_id",
                )

    # ----- clinical and administrative staff (on a day: `OnDay`) --------------------------------

    def assign_responsible_provider(
        self, assignment_id: UUID, staff_id: StaffId, from_day: date
    ) -> StaffAssignment:
        """Make `staff_id` the one responsible provider from `from_day` on.

        The current provider's period ends the day before, so the periods stay contiguous and
        exactly one provider is responsible on every day the case is open.
        """
        return self._replace_single(
            assignment_id, staff_id, from_day, StaffDuty.RESPONSIBLE_PROVIDER
        )

    def set_supervisor(
        self, assignment_id: UUID, staff_id: StaffId, from_day: date
    ) -> StaffAssignment:
        """Name the case's own supervising clinician from `from_day` (replaces the previous)."""
        return self._replace_single(assignment_id, staff_id, from_day, StaffDuty.SUPERVISOR)

    def _replace_single(
        self, assignment_id: UUID, staff_id: StaffId, from_day: date, duty: StaffDuty
    ) -> StaffAssignment:
        self.require_open()
        self._not_before_opening(from_day, "start date")
        if duty is StaffDuty.SUPERVISOR and staff_id in {
            a.staff_id for a in self.staff_on(from_day, StaffDuty.RESPONSIBLE_PROVIDER)
        }:
            raise InvariantViolation(
                "The responsible provider cannot supervise their own case.", field="staff_id"
            )
        kept: list[StaffAssignment] = []
        for a in self.staff:
            if a.duty is not duty or (a.period.end is not None and a.period.end < from_day):
                kept.append(a)
            elif a.period.start < from_day:
                kept.append(_end(a, from_day - ONE_DAY))
            elif a.period.start == from_day:
                continue  # replaced on its first day: a correction, not a handover
            else:
                raise PeriodConflict(
                    f"A {duty.label} is already set from {a.period.start.isoformat()}; "
                    "choose a date on or after that.",
                    field="from_day",
                )
        if duty is StaffDuty.RESPONSIBLE_PROVIDER and any(
            a.staff_id == staff_id
            and a.duty is StaffDuty.CO_THERAPIST
            and a.period.overlaps(Period(from_day))
            for a in self.staff
        ):
            raise InvariantViolation(
                "This clinician is a co-therapist of the case; end that first.", field="staff_id"
            )
        assignment = StaffAssignment(assignment_id, staff_id, duty, Period(from_day))
        self.staff = [*kept, assignment]
        self._assigned(assignment)
        return assignment

    def add_staff_duty(
        self, assignment_id: UUID, staff_id: StaffId, duty: StaffDuty, from_day: date
    ) -> StaffAssignment:
        """Add a co-therapist or administrative support (several may serve at once)."""
        self.require_open()
        if duty not in (StaffDuty.CO_THERAPIST, StaffDuty.ADMIN_SUPPORT):
            raise InvalidInput(f"Use the {duty.label} action for that.", field="duty")
        self._not_before_opening(from_day, "start date")
        period = Period(from_day)
        for a in self.staff:
            if a.staff_id == staff_id and a.period.overlaps(period):
                if a.duty is duty:
                    raise PeriodConflict(
                        f"This staff member is already {duty.label} of the case then.",
                        field="staff_id",
                    )
                if duty is StaffDuty.CO_THERAPIST and a.duty is StaffDuty.RESPONSIBLE_PROVIDER:
                    raise InvariantViolation(
                        "The responsible provider cannot also be a co-therapist.",
                        field="staff_id",
                    )
        assignment = StaffAssignment(assignment_id, staff_id, duty, period)
        self.staff.append(assignment)
        self._assigned(assignment)
        return assignment

    def _assigned(self, a: StaffAssignment) -> None:
        self.events.record(
            ev.StaffAssigned(
                case_id=self.id,
                assignment_id=a.id,
                staff_id=a.staff_id,
                duty=a.duty,
                from_day=a.period.start,
            )
        )

    def end_staff_duty(self, assignment_id: UUID, on: date) -> StaffAssignment:
        """End a co-therapist, supervisor or administrative support period."""
        self.require_open()
        current = self._find(self.staff, assignment_id, "assignment")
        if current.duty is StaffDuty.RESPONSIBLE_PROVIDER:
            raise InvariantViolation(
                "An open case always has a responsible provider: assign the next one instead.",
                field="assignment_id",
            )
        ended = self._end_item("staff", current, on)
        self.events.record(
            ev.StaffDutyEnded(
                case_id=self.id,
                assignment_id=ended.id,
                staff_id=ended.staff_id,
                duty=ended.duty,
                on=on,
            )
        )
        return ended

    # ----- billing ------------------------------------------------------------------------------

    def add_billing(
        self, responsibility: BillingResponsibility, *, joins: bool = False
    ) -> BillingResponsibility:
        """A payer takes on the whole case or one participant. Shares never exceed 100%.
        `joins`: part of the change before it (a member added with their payer)."""
        self.require_open()
        self._not_before_opening(responsibility.period.start, "start date")
        if responsibility.covers is not None and not self.ever_member(responsibility.covers):
            raise InvalidInput(
                "A payer can cover one participant of this case, or the whole case.",
                field="covers",
            )
        overlapping = [
            b
            for b in self.billing
            if b.covers == responsibility.covers and b.period.overlaps(responsibility.period)
        ]
        if any(b.payer == responsibility.payer for b in overlapping):
            raise PeriodConflict(
                "This payer already covers that for part of this period.", field="payer"
            )
        # The shares that run at once are greatest on some start date.
        candidates = [*overlapping, responsibility]
        for day in {b.period.start for b in candidates}:
            total = sum(b.share for b in candidates if b.period.contains(day))
            if total > 100:
                raise InvariantViolation(
                    f"On {day.isoformat()} the shares would add up to {total}%. "
                    "Give each payer a share, or end the other payer's period first.",
                    field="share_percent",
                )
        self.billing.append(responsibility)
        self.events.record(
            ev.PayerAdded(case_id=self.id, responsibility=responsibility, joins=joins)
        )
        return responsibility

    def end_billing(self, responsibility_id: UUID, on: date) -> BillingResponsibility:
        self.require_open()
        current = self._find(self.billing, responsibility_id, "billing responsibility")
        ended = self._end_item("billing", current, on)
        self.events.record(ev.PayerEnded(case_id=self.id, responsibility=ended, on=on))
        return ended

    def payers_on(self, day: date) -> list[BillingResponsibility]:
        return [b for b in self.billing if b.period.contains(day)]

    def pays(self, person_id: PersonId, day: date) -> bool:
        return any(
            b.payer.kind is PayerKind.PERSON and b.payer.id == person_id
            for b in self.payers_on(day)
        )

    # ----- communication and people acting for others -------------------------------------------

    def related_person_ids(self) -> set[PersonId]:
        """Everyone this case knows: participants, payers, helpers, anyone it writes to."""
        return self._known_people() | set(self.communication)

    def set_communication(
        self, preference: CommunicationPreference, *, joins: bool = False
    ) -> None:
        self.require_open()
        if preference.person_id not in self._known_people():
            raise InvalidInput(
                "Only participants, payers and helpers of this case can receive its messages.",
                field="person_id",
            )
        if preference.channel is Channel.NONE and (
            preference.reminders or preference.invoices or preference.clinical_messages
        ):
            raise InvalidInput(
                "Choose email or text message to send reminders, invoices or messages.",
                field="channel",
            )
        if preference.clinical_messages and not (
            self.ever_member(preference.person_id)
            or any(
                h.helper_id == preference.person_id and h.kind is HelperKind.MESSAGE_RECIPIENT
                for h in self.helpers
            )
        ):
            raise InvariantViolation(
                "Clinical messages go to participants and named message recipients only.",
                field="clinical_messages",
            )
        self.communication[preference.person_id] = preference
        self.events.record(ev.CommunicationSet(case_id=self.id, preference=preference, joins=joins))

    def grant_helper(self, role: HelperRole) -> HelperRole:
        self.require_open()
        self._not_before_opening(role.period.start, "start date")
        if not self.ever_member(role.for_person_id):
            raise InvalidInput("Helpers act for a participant of this case.", field="for_person_id")
        if role.helper_id == role.for_person_id:
            raise InvalidInput("A participant does not help themselves.", field="helper_id")
        for h in self.helpers:
            if (h.helper_id, h.for_person_id, h.kind) == (
                role.helper_id,
                role.for_person_id,
                role.kind,
            ) and h.period.overlaps(role.period):
                raise PeriodConflict(f"This person is already {role.kind.label} then.")
        self.helpers.append(role)
        self.events.record(
            ev.HelperGranted(
                case_id=self.id,
                role_id=role.id,
                helper_id=role.helper_id,
                for_person_id=role.for_person_id,
                kind=role.kind,
                from_day=role.period.start,
            )
        )
        return role

    def revoke_helper(self, role_id: UUID, on: date) -> HelperRole:
        self.require_open()
        current = self._find(self.helpers, role_id, "helper role")
        ended = self._end_item("helpers", current, on)
        self.events.record(
            ev.HelperRevoked(
                case_id=self.id, role_id=ended.id, helper_id=ended.helper_id, kind=ended.kind, on=on
            )
        )
        return ended

    def helpers_on(self, day: date) -> list[HelperRole]:
        return [h for h in self.helpers if h.period.contains(day)]

    # ----- corrections ------------------------------------------------------------------------

    def enter_in_error(
        self, item_id: UUID, reason: str, by: StaffId | None, at: datetime
    ) -> EnteredInError:
        """Mark a membership, staff duty, payer or helper role as recorded by mistake: it leaves
        every calculation (limits, shares, access, who is expected) and every current view,
        and stays in `entered_in_error` and the history with who, when and why."""
        self.require_open()
        why = clean_text(reason, field="reason", limit=MAX_REASON)
        if not why:
            raise InvalidInput("Say why this was entered in error.", field="reason")
        attr, item = self._correctable(item_id)
        if isinstance(item, StaffAssignment) and item.duty is StaffDuty.RESPONSIBLE_PROVIDER:
            raise InvariantViolation(
                "An open case always has a responsible provider: assign the right one from the "
                "same day instead (that replaces the wrong one).",
                field="reason",
            )
        remaining = [x for x in getattr(self, attr) if x is not item]
        if isinstance(item, Membership):
            self._can_forget_member(item, remaining)
        setattr(self, attr, remaining)
        correction = EnteredInError(item=item, reason=why, by=by, at=at)
        self.entered_in_error.append(correction)
        self.events.record(
            ev.EnteredInError(
                case_id=self.id,
                item_kind=CORRECTABLE[attr],
                item_id=item.id,
                reason=why,
                **_item_facts(item),
            )
        )
        person = _person_of(item)
        if person is not None:
            self._stop_reaching(person)
        return correction

    def _correctable(self, item_id: UUID) -> tuple[str, Any]:
        for attr in CORRECTABLE:
            for item in getattr(self, attr):
                if item.id == item_id:
                    return attr, item
        if any(c.id == item_id for c in self.entered_in_error):
            raise InvariantViolation("This is already marked as entered in error.")
        raise NotFound("That is not part of this case.")

    def _can_forget_member(self, item: Membership, remaining: list[Membership]) -> None:
        days = {item.period.start} | {
            m.period.end + ONE_DAY
            for m in remaining
            if m.period.end is not None and item.period.contains(m.period.end + ONE_DAY)
        }
        for day in days:
            if day >= self.opened_on and (
                len([m for m in remaining if m.period.contains(day)]) < self.policy.min_active
            ):
                raise InvariantViolation(
                    f"Without this membership the {self.policy.label} case would have no "
                    f"{self.policy.participant_word} on {day.isoformat()}. Add who was really "
                    "there first, or close the case and open it again.",
                    field="reason",
                )
        tied = any(b.covers == item.person_id for b in self.billing) or any(
            h.for_person_id == item.person_id for h in self.helpers
        )
        if tied and not any(m.person_id == item.person_id for m in remaining):
            raise InvariantViolation(
                "A payer or helper is recorded for this person: correct those first.",
                field="reason",
            )

    def _stop_reaching(self, person_id: PersonId) -> None:
        """Someone who left (or was never really part of the case) gets no more reminders and
        loses portal access here; invoices only while they still pay, anything at all only
        while the case still knows them. Recorded as part of the change that caused it."""
        preference = self.communication.get(person_id)
        if preference is None or any(
            m.person_id == person_id and m.period.end is None for m in self.memberships
        ):
            return
        stopped = replace(
            preference,
            reminders=False,
            portal_access=False,
            invoices=preference.invoices and person_id in self._payer_people(),
        )
        if person_id not in self._known_people():
            # Nobody the case knows any more: no row left to show in its current view.
            stopped = replace(stopped, clinical_messages=False)
            del self.communication[person_id]
        elif stopped != preference:
            self.communication[person_id] = stopped
        else:
            return
        self.events.record(ev.CommunicationSet(case_id=self.id, preference=stopped, joins=True))

    def _payer_people(self) -> set[PersonId]:
        return {PersonId(b.payer.id) for b in self.billing if b.payer.kind is PayerKind.PERSON}

    def _known_people(self) -> set[PersonId]:
        """Participants (ever), paying persons and helpers: whom the case may write to."""
        ids = {m.person_id for m in self.memberships} | self._payer_people()
        return ids | {h.helper_id for h in self.helpers}

    # ----- booking and coding defaults ------------------------------------------------------------

    def set_usual_service(self, service_id: UUID | None, service_name: str = "") -> None:
        """The service a booking form preselects. Which services fit the case's kind of work is
        scheduling's to check (the case knows services by id only)."""
        self.require_open()
        self.usual_service_id = service_id
        self.events.record(
            ev.UsualServiceSet(case_id=self.id, service_id=service_id, service_name=service_name)
        )

    def name_identified_client(self, person_id: PersonId | None, on: date) -> None:
        """Name (or clear) the member a couple's or family's codes are about (90847/90846)."""
        self.require_open()
        if person_id is not None:
            if not self.policy.names_identified_client:
                raise InvalidInput(
                    f"A {self.policy.label} case names no identified client.",
                    field="identified_client_id",
                )
            if not any(m.person_id == person_id for m in self.members_on(on)):
                raise InvalidInput(
                    "The identified client is a current member of the case.",
                    field="identified_client_id",
                )
        self.identified_client_id = person_id
        self.events.record(ev.IdentifiedClientNamed(case_id=self.id, person_id=person_id))

    def identified_client_on(self, day: date) -> PersonId | None:
        """The named identified client on `day`, while they are a member: naming ends when
        they leave (derived, so a corrected or removed end date needs no second change)."""
        pid = self.identified_client_id
        if pid is not None and any(m.person_id == pid for m in self.members_on(day)):
            return pid
        return None

    # ----- clinical records ---------------------------------------------------------------------

    def require_record(self, record: RecordType) -> None:
        self.policy.require(record)

    # ----- helpers --------------------------------------------------------------------------------

    def _not_before_opening(self, day: date, what: str) -> None:
        if day < self.opened_on:
            raise PeriodConflict(
                f"The {what} {day.isoformat()} is before the case opened "
                f"({self.opened_on.isoformat()}).",
                field=what.replace(" ", "_"),
            )

    @staticmethod
    def _find(items: list[T], item_id: UUID, what: str) -> T:
        for item in items:
            if item.id == item_id:
                return item
        raise NotFound(f"That {what} is not part of this case.")

    def _end_item(self, attr: str, current: T, on: date) -> T:
        if current.period.end is not None:
            raise InvariantViolation("This has already ended.")
        ended = _end(current, on)
        setattr(self, attr, [ended if x is current else x for x in getattr(self, attr)])
        return ended


def _person_of(item: Any) -> PersonId | None:
    if isinstance(item, Membership):
        return item.person_id
    if isinstance(item, HelperRole):
        return item.helper_id
    if isinstance(item, BillingResponsibility) and item.payer.kind is PayerKind.PERSON:
        return PersonId(item.payer.id)
    return None


def _item_facts(item: Any) -> dict[str, Any]:
    """What the correction's event says of the item: whose it was and its period (for the
    history line, and for scheduling's check of recorded attendance)."""
    return {
        "person_id": _person_of(item),
        "staff_id": getattr(item, "staff_id", None),
        "organization_id": (
            OrganizationId(item.payer.id)
            if isinstance(item, BillingResponsibility) and item.payer.kind is PayerKind.ORGANIZATION
            else None
        ),
        "start": item.period.start,
        "end": item.period.end,
    }


def _end(item: T, on: date) -> T:
    """The item with its period ended on `on` (kept as it is if it ended earlier)."""
    period: Period = item.period
    if period.end is not None and period.end <= on:
        return item
    if on < period.start:
        raise PeriodConflict(
            f"It cannot end on {on.isoformat()}: it starts on {period.start.isoformat()}.",
            field="end",
        )
    return replace(item, period=period.ended_on(on))
