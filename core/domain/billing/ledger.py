"""The ledger: every amount a payer owes or paid is an entry that only grows.

An entry is a charge, an adjustment, a payment, a refund, a credit or a write-off, for one
payer, caused by a recorded fact (`Cause`: an appointment's attendance, a payment, a staff
member's decision). A correction is a reversing entry (the same kind, the opposite amount,
`reverses` naming the original), never an edit or a delete.

Signs: an entry's amount is what it adds to the payer's balance (what they owe). Charges are
positive, payments, credits and write-offs negative, refunds positive (money given back makes the
payer's credit smaller); an adjustment is either. A reversal has the opposite sign of what it
reverses. A payer's balance is the sum of their entries; a negative balance is a credit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.values import CaseId, Money, PersonId, StaffId, clean_text

__all__ = [
    "Cause",
    "CauseKind",
    "EntryKind",
    "LedgerEntry",
    "PayerKind",
    "PayerRef",
    "balance",
    "open_entries",
]


class EntryKind(StrEnum):
    CHARGE = "charge"
    ADJUSTMENT = "adjustment"
    PAYMENT = "payment"
    REFUND = "refund"
    CREDIT = "credit"
    WRITE_OFF = "write_off"

    @property
    def sign(self) -> int:
        """+1: raises what the payer owes; -1: lowers it; 0: either (adjustments)."""
        return _SIGNS[self]

    @property
    def label(self) -> str:
        return self.value.replace("_", "-")

    @property
    def billable(self) -> bool:
        """Goes on an invoice (charges, adjustments and their reversals)."""
        return self in (EntryKind.CHARGE, EntryKind.ADJUSTMENT)


_SIGNS = {
    EntryKind.CHARGE: 1,
    EntryKind.ADJUSTMENT: 0,
    EntryKind.PAYMENT: -1,
    EntryKind.REFUND: 1,
    EntryKind.CREDIT: -1,
    EntryKind.WRITE_OFF: -1,
}


class CauseKind(StrEnum):
    ATTENDANCE = "attendance"  # a session held, late-cancelled or missed
    PAYMENT = "payment"  # money received (the payment's id)
    REFUND = "refund"
    INVOICE = "invoice"  # e.g. a write-off of an invoice's rest
    STAFF = "staff"  # a decision of a staff member (adjustment, credit), with a reason


@dataclass(frozen=True, slots=True)
class Cause:
    """What an entry comes from: the kind of fact and its id, and for a session's charge the
    participant it is for (None: the whole case). `key` is unique among live charges: the
    handler that re-makes charges finds the ones it made by it."""

    kind: CauseKind
    id: UUID
    participant_id: PersonId | None = None

    @property
    def key(self) -> str:
        tail = f":{self.participant_id}" if self.participant_id is not None else ""
        return f"{self.kind.value}:{self.id}{tail}"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One line of the ledger. `occurred_on` is the day of the fact (the session's local date,
    the payment's date): what periods and aging count from. `recorded_at` is when Hearth wrote
    it. For charges: the case, the participant the charge is for (None: the whole case), the
    service and the payer's share of the session's fee (`of_total`)."""

    id: UUID
    payer: PayerRef
    kind: EntryKind
    amount: Money
    occurred_on: date
    recorded_at: datetime
    cause: Cause
    case_id: CaseId | None = None
    participant_id: PersonId | None = None
    service_id: UUID | None = None
    code: str | None = None  # the session's billing code for this line (psychotherapy)
    of_total: Money | None = None  # the whole charge this entry is a share of (split payers)
    reverses: UUID | None = None
    recorded_by: StaffId | None = None
    memo: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EntryKind(self.kind))
        object.__setattr__(self, "memo", clean_text(self.memo, field="memo", limit=500))
        sign = self.kind.sign * (-1 if self.reverses is not None else 1)
        if self.kind.sign and self.amount.amount_minor * sign < 0:
            raise InvalidInput(
                f"A {self.kind.label} of {self.amount.amount_minor} has the wrong sign.",
                field="amount",
            )
        if self.amount.amount_minor == 0:
            raise InvalidInput("A ledger entry is never zero.", field="amount")
        if self.of_total is not None and self.of_total.currency != self.amount.currency:
            raise InvalidInput("Amounts in different currencies cannot be mixed.")

    @property
    def is_reversal(self) -> bool:
        return self.reverses is not None

    def reversal(
        self, *, id: UUID, at: datetime, by: StaffId | None = None, memo: str = ""
    ) -> LedgerEntry:
        """The entry that cancels this one: same payer, kind, cause and day, opposite amount."""
        if self.is_reversal:
            raise InvariantViolation("A reversal is not reversed; record a new entry instead.")
        return replace(
            self,
            id=id,
            amount=Money(-self.amount.amount_minor, self.amount.currency),
            of_total=None
            if self.of_total is None
            else Money(-self.of_total.amount_minor, self.of_total.currency),
            recorded_at=at,
            reverses=self.id,
            recorded_by=by,
            memo=memo,
        )


def open_entries(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """The entries still standing: neither reversed nor a reversal (order kept)."""
    listed = list(entries)
    reversed_ids = {e.reverses for e in listed if e.reverses is not None}
    return [e for e in listed if e.reverses is None and e.id not in reversed_ids]


T = TypeVar("T")


def without_cancelled_pairs(
    items: list[T], id_of: Callable[[T], UUID], reverses_of: Callable[[T], UUID | None]
) -> list[T]:
    """Leave out an entry and its reversal when both are listed: together they are nothing
    (what the unbilled charges show, and what a draft takes)."""
    ids = {id_of(i) for i in items}
    paired = {r for i in items if (r := reverses_of(i)) is not None and r in ids}
    return [i for i in items if id_of(i) not in paired and reverses_of(i) not in paired]


def balance(entries: Iterable[LedgerEntry], currency: str) -> Money:
    """What the entries add up to (a payer's, a case's, a participant's balance)."""
    minor = 0
    for e in entries:
        if e.amount.currency != currency:
            raise InvalidInput("Amounts in different currencies cannot be mixed.")
        minor += e.amount.amount_minor
    return Money(minor, currency)
