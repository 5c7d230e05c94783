"""What billing needs from a store: the ledger, invoices (with their number sequence and the
payments allocated to them) and fee overrides.

Same contract as the other repositories (see `unit_of_work`): what a unit of work writes is
visible to it at once and to others on commit. The ledger only grows (`append`; no update, no
delete). Every list and balance method is one query, whatever the number of payers or entries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Protocol
from uuid import UUID

import msgspec

from core.domain.billing.fees import FeeOverride
from core.domain.billing.invoices import Allocation, Invoice, InvoiceStatus
from core.domain.billing.ledger import EntryKind, LedgerEntry
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.values import CaseId, Money, PersonId
from core.ports.shared import Transaction


class CaseShare(msgspec.Struct, frozen=True, kw_only=True):
    """A payer of a case (`LedgerStore.case_shares`): what the case's entries charge them and
    what they owe in all, in the currency of those entries."""

    payer_kind: PayerKind
    payer_id: UUID
    currency: str
    charged_minor: int  # this case's entries (charges, reversals, adjustments)
    owes_minor: int  # all the payer's entries in that currency; negative: their credit

    @property
    def payer(self) -> PayerRef:
        return PayerRef(self.payer_kind, self.payer_id)


class UnbilledPayers(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the payers with something unbilled (`LedgerStore.unbilled_payers`)."""

    rows: list[tuple[PayerRef, int]]  # payer, unbilled minor units
    count: int  # payers on every page
    total_minor: int  # unbilled by all of them


class UnbilledCharge(msgspec.Struct, frozen=True, kw_only=True):
    """An unbilled billable entry with the names an invoice line shows (the service's, the
    participant's), read in one query for the monthly run and drafts."""

    entry_id: UUID
    payer_kind: PayerKind
    payer_id: UUID
    kind: EntryKind
    occurred_on: date
    amount_minor: int
    currency: str
    code: str | None
    memo: str
    reverses: UUID | None
    case_id: UUID | None
    cause_id: UUID
    participant_id: UUID | None
    service_name: str | None
    participant_name: str | None

    @property
    def payer(self) -> PayerRef:
        return PayerRef(self.payer_kind, self.payer_id)


class LedgerRepository(Protocol):
    async def append(self, entries: Sequence[LedgerEntry]) -> None:
        """Add entries (never changed afterwards). Refuses an entry reversing one that is
        reversed already (`InvariantViolation`), so two writers cannot reverse one charge twice."""
        ...

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, LedgerEntry]: ...

    async def for_causes(self, cause_ids: Iterable[UUID]) -> list[LedgerEntry]:
        """Every entry (reversals too) caused by these facts (appointments, payments), ordered
        by recorded_at, id."""
        ...

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[LedgerEntry]:
        """The payer's entries that occurred in [start, end] (unbounded where None), by
        occurred_on, recorded_at, id: a statement's lines."""
        ...

    async def unbilled(
        self, start: date, end: date, payer: PayerRef | None = None
    ) -> list[LedgerEntry]:
        """Billable entries (charges, adjustments, and their reversals) that occurred in
        [start, end] and are on no invoice other than a void one, for one payer or all, by
        payer, occurred_on, id. A charge and its reversal both unbilled are left out: there is
        nothing to bill."""
        ...

    async def unbilled_charges(
        self,
        start: date,
        end: date,
        payer: PayerRef | None = None,
        *,
        among: Collection[PayerRef] | None = None,
    ) -> list[UnbilledCharge]:
        """`unbilled` with the service's and the participant's names (preferred, else legal),
        in one query; same order, same pairs left out. `among`: of these payers only."""
        ...

    async def unbilled_payers(
        self, start: date, end: date, *, offset: int, limit: int
    ) -> UnbilledPayers:
        """The payers with unbilled entries in [start, end] (as `unbilled`) by their folded
        name (then id), `limit` of them from `offset`, each with what they have unbilled in
        minor units, summed by the store; and how many payers and how much in all, in one query.
        The unbilled screen's page, however many charges a month holds (an entry and its
        reversal sum to nothing)."""
        ...

    async def payer_balance(
        self, payer: PayerRef, currency: str, *, before: date | None = None
    ) -> Money:
        """The sum of the payer's entries (those that occurred before `before`, if given: a
        statement's opening balance), one query however long their history."""
        ...

    async def case_shares(self, case_id: CaseId) -> list[CaseShare]:
        """Each payer of this case's entries, by kind and id, in one query: what the entries
        with this case_id charge them (charges and their reversals, adjustments; payments are
        NOT in it: a payment is a payer's, not a case's) and their balance in all."""
        ...

    async def participant_charges(self, case_id: CaseId, person_id: PersonId) -> Money | None:
        """The sum of the charges for this participant of this case (None: none yet)."""
        ...


class InvoiceRow(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the invoice list: no lines, no case, only what the list shows."""

    id: UUID
    number: int | None
    status: InvoiceStatus
    payer_kind: PayerKind
    payer_id: UUID
    payer_name: str
    period_start: date
    period_end: date
    issued_on: date | None
    due_on: date | None
    total_minor: int
    paid_minor: int
    currency: str


class InvoicePage(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[InvoiceRow]
    total: int  # rows matching the filters, counted up to `count_to` when given, for paging


class AgingRow(msgspec.Struct, frozen=True, kw_only=True):
    """What one payer owes on issued invoices, by how long past the issue date."""

    payer_kind: PayerKind
    payer_id: UUID
    payer_name: str
    days_0_30: int
    days_31_60: int
    days_61_90: int
    days_over_90: int

    @property
    def payer(self) -> PayerRef:
        return PayerRef(self.payer_kind, self.payer_id)

    @property
    def total_minor(self) -> int:
        return self.days_0_30 + self.days_31_60 + self.days_61_90 + self.days_over_90


class AgingPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the aging list (`InvoiceRepository.aging`)."""

    rows: list[AgingRow]  # this page of the payers, by payer name, then id
    count: int  # payers that owe something (a bucket not zero), on every page
    totals: tuple[int, int, int, int]  # each bucket's sum over all of them


class InvoiceRepository(Protocol):
    async def get(self, invoice_id: UUID) -> Invoice | None: ...

    async def add(self, invoice: Invoice) -> None:
        """A new draft (or issued) invoice with its lines. Refuses (`InvariantViolation`) a line
        whose entry is on another invoice that is not void: a charge is billed once."""
        ...

    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        """Many at once (the monthly run): a fixed number of statements whatever their number;
        same refusal as `add`."""
        ...

    async def update(self, invoice: Invoice) -> None:
        """Status, number, dates and (for a draft) lines; `ConcurrencyConflict` on a stale
        version."""
        ...

    async def next_numbers(self, count: int = 1) -> list[int]:
        """Take the next `count` numbers of the practice's invoice sequence: consecutive, never
        given twice, none skipped when the transaction commits (a counter row updated in this
        transaction; a rolled-back issue gives its numbers back)."""
        ...

    async def for_payer_period(self, payer: PayerRef, start: date, end: date) -> list[Invoice]:
        """The payer's invoices (any status) whose period is exactly [start, end]."""
        ...

    async def periods_issued(self, start: date, end: date) -> set[PayerRef]:
        """Payers with a live (issued or paid) invoice for exactly the period [start, end]:
        what the monthly run leaves alone (so running it twice issues nothing new)."""
        ...

    async def search(
        self,
        *,
        status: InvoiceStatus | None = None,
        payer: PayerRef | None = None,
        issued_from: date | None = None,
        issued_to: date | None = None,
        offset: int = 0,
        limit: int = 50,
        count_to: int | None = None,
    ) -> InvoicePage:
        """The invoice list, newest first (drafts first, then by number descending), one query;
        its total stops at `count_to` (None: every match)."""
        ...

    async def aging(self, today: date, *, offset: int, limit: int) -> AgingPage:
        """What the payers owe on issued invoices by age bucket (0-30, 31-60, 61-90, over 90
        days since the issue date): `limit` of the payers with a bucket not zero from `offset`,
        by payer name (code point order, an unknown payer's name empty), then id; with how many
        such payers there are and each bucket's sum over all of them. One query, summed by the
        store, however many payers owe something."""
        ...

    async def add_allocation(self, allocation: Allocation) -> None: ...

    async def allocated(self, invoice_ids: Iterable[UUID]) -> dict[UUID, Money]:
        """The sum allocated to each of these invoices (those with none are left out)."""
        ...

    async def allocations_of(self, payment_entry_id: UUID) -> list[Allocation]: ...

    async def allocations_to(self, invoice_id: UUID) -> list[Allocation]:
        """The allocations (and their opposites) to one invoice, oldest first."""
        ...

    async def allocated_from(self, entry_ids: Iterable[UUID]) -> dict[UUID, Money]:
        """The sum allocated from each of these payment (or credit) entries, in one query
        (those with none are left out)."""
        ...

    async def open_for_payer(self, payer: PayerRef) -> list[tuple[UUID, Money]]:
        """The payer's issued invoices with what is still open on each, oldest first (issue
        date, number): where a payment goes unless the payer chose."""
        ...


class FeeOverrideRepository(Protocol):
    async def add(self, override: FeeOverride) -> None: ...
    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[FeeOverride]: ...


class BillingStore(Transaction, Protocol):
    """Billing's store: the ledger, invoices and fee overrides (the unit of work adds the
    scheduling and cases stores that charges come from)."""

    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def invoices(self) -> InvoiceRepository: ...
    @property
    def fee_overrides(self) -> FeeOverrideRepository: ...
