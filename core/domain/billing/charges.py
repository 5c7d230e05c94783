"""What a session costs whom, from what was recorded about it.

A pure function of the appointment (status and per-participant attendance), the case (its kind,
members and billing responsibilities on the session's date), the service and its fees, and the
fee overrides. The handler in `core.services.billing.charging` compares what this says with
the live charges in the ledger and reverses / adds the difference, so recording the same thing
twice changes nothing and a correction is a reversal plus a new entry.

- Per-member kinds (groups, consultation groups, workshops): each expected member on their own
  mark — attended: the fee; late-cancelled: the late-cancellation fee; no-show: the no-show fee;
  absent: nothing — to the payers covering that member, else the case's payers, else the member.
- Other kinds (individual, couple, family, consultation): one charge for the session, to the
  case's payers (else the only / first expected participant): the fee when someone attended,
  else the no-show or late-cancellation fee when nobody came.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.billing.fees import FeeOverride, session_fee
from core.domain.billing.ledger import Cause, CauseKind
from core.domain.billing.splits import Share, split
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import BillingResponsibility, PayerRef
from core.domain.scheduling.appointments import Appointment, AppointmentStatus, Attendance
from core.domain.scheduling.services import Service
from core.domain.shared.values import CaseId, Money, PersonId


class ChargeReason(StrEnum):
    SESSION = "session"
    LATE_CANCEL = "late_cancel"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {
            ChargeReason.SESSION: "",
            ChargeReason.LATE_CANCEL: "late cancellation",
            ChargeReason.NO_SHOW: "no-show",
        }[self]


@dataclass(frozen=True, slots=True)
class PlannedCharge:
    """One payer's part of one session's charge, as the ledger should hold it."""

    payer: PayerRef
    amount: Money
    of_total: Money
    cause: Cause
    case_id: CaseId
    participant_id: PersonId | None
    service_id: UUID
    occurred_on: date
    reason: ChargeReason
    code: str | None

    @property
    def memo(self) -> str:
        return self.reason.label


def per_member(case: Case) -> bool:
    """Groups, consultation groups and workshops are charged per attending member."""
    return case.policy.has_capacity


def shares_of(responsibilities: Sequence[BillingResponsibility]) -> list[Share[PayerRef]]:
    """The billing responsibilities of one charge as shares: a percent each, except the one
    added last, which takes the remainder (so 60 % + 40 % charges the second payer the odd
    cent); a single payer pays it all."""
    if not responsibilities:
        return []
    *firsts, last = responsibilities
    return [Share(b.payer, percent=b.share_percent) for b in firsts] + [Share(last.payer)]


def _payers(case: Case, day: date, person_id: PersonId | None) -> list[BillingResponsibility]:
    on_day = case.payers_on(day)
    if person_id is not None:
        theirs = [b for b in on_day if b.covers == person_id]
        if theirs:
            return theirs
    return [b for b in on_day if b.covers is None]


def _fee_for(reason: ChargeReason, service: Service, fee: Money) -> Money | None:
    if reason is ChargeReason.SESSION:
        return fee
    rule = service.late_cancel_fee if reason is ChargeReason.LATE_CANCEL else service.no_show_fee
    return None if rule is None else rule.of(fee)


def _reason(mark: Attendance | None, status: AppointmentStatus) -> ChargeReason | None:
    if mark is Attendance.ATTENDED:
        return ChargeReason.SESSION
    if mark is Attendance.LATE_CANCELLED:
        return ChargeReason.LATE_CANCEL
    if mark is Attendance.NO_SHOW:
        return ChargeReason.NO_SHOW
    if mark is None and status is AppointmentStatus.LATE_CANCELLED:
        return ChargeReason.LATE_CANCEL
    if mark is None and status is AppointmentStatus.NO_SHOW:
        return ChargeReason.NO_SHOW
    return None


def _whole_case_reason(
    appointment: Appointment, expected: Sequence[PersonId]
) -> ChargeReason | None:
    marks = [appointment.attendance.get(p) for p in expected]
    if Attendance.ATTENDED in marks:
        return ChargeReason.SESSION
    if appointment.status is AppointmentStatus.NO_SHOW or Attendance.NO_SHOW in marks:
        return ChargeReason.NO_SHOW
    if appointment.status is AppointmentStatus.LATE_CANCELLED:
        return ChargeReason.LATE_CANCEL
    if marks and all(m is Attendance.LATE_CANCELLED for m in marks):
        return ChargeReason.LATE_CANCEL
    return None


def _code_for(appointment: Appointment, service: Service, person_id: PersonId | None) -> str | None:
    if appointment.codes:
        for line in appointment.codes:
            if line.person_id is None or line.person_id == person_id:
                return line.code
        return appointment.codes[0].code
    return service.billing_code


def plan_charges(
    appointment: Appointment,
    case: Case,
    service: Service,
    overrides: Iterable[FeeOverride],
    tz: ZoneInfo,
    late_cancel_hours: int | None = None,
) -> list[PlannedCharge]:
    """Every payer's part of this session's charges, in a stable order. `late_cancel_hours`:
    the practice's window; a late cancellation recorded before it opened (more than that many
    hours ahead) costs nothing."""
    if appointment.status is AppointmentStatus.CANCELLED:
        return []
    in_good_time = (
        late_cancel_hours is not None
        and appointment.changed is not None
        and appointment.changed.at <= appointment.start - timedelta(hours=late_cancel_hours)
    )
    day = appointment.local_day(tz)
    expected = [m.person_id for m in appointment.expected(case, tz)]
    known = list(overrides)
    planned: list[PlannedCharge] = []

    def charge(
        person_id: PersonId | None,
        reason: ChargeReason,
        fallback: PersonId | None,
        for_person: PersonId | None = None,
    ) -> None:
        fee = session_fee(service, case.id, person_id, day, known)
        if reason is ChargeReason.LATE_CANCEL and in_good_time:
            return
        amount = _fee_for(reason, service, fee)
        if amount is None or amount.amount_minor <= 0:
            return
        shares = shares_of(_payers(case, day, person_id))
        if not shares:
            if fallback is None:
                return
            shares = [Share(PayerRef.person(fallback))]
        cause = Cause(CauseKind.ATTENDANCE, appointment.id, person_id)
        code = (
            _code_for(appointment, service, person_id) if reason is ChargeReason.SESSION else None
        )
        for payer, part in split(amount, shares):
            if part.amount_minor > 0:
                planned.append(
                    PlannedCharge(
                        payer=payer,
                        amount=part,
                        of_total=amount,
                        cause=cause,
                        case_id=case.id,
                        participant_id=person_id or for_person,
                        service_id=service.id,
                        occurred_on=day,
                        reason=reason,
                        code=code,
                    )
                )

    if per_member(case):
        for person_id in expected:
            reason = _reason(appointment.attendance.get(person_id), appointment.status)
            if reason is not None:
                charge(person_id, reason, person_id)
    else:
        reason = _whole_case_reason(appointment, expected)
        if reason is not None:
            attended = [p for p in expected if appointment.attendance.get(p) is Attendance.ATTENDED]
            fallback = next(iter(attended or expected), None)
            # A one-person case's charge is that participant's (their balance shows it).
            only = expected[0] if case.policy.max_active == 1 and len(expected) == 1 else None
            charge(None, reason, fallback, only)
    return planned
