"""Billing in memory: the same rules as the SQL adapter (an entry reversed once, a charge on
one live invoice, an unbroken number sequence), checked again at commit under the store's lock."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from uuid import UUID

from adapters.persistence.memory.store import MemoryStore, Table
from core.domain.billing.fees import FeeOverride
from core.domain.billing.invoices import Allocation, Invoice, InvoiceStatus
from core.domain.billing.ledger import LedgerEntry, without_cancelled_pairs
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.domain.shared.values import CaseId, Money, PersonId
from core.ports.billing import (
    AgingPage,
    AgingRow,
    CaseShare,
    InvoicePage,
    InvoiceRow,
    UnbilledCharge,
    UnbilledPayers,
)

_LIVE = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)
_DOUBLE_REVERSAL = "This charge was corrected by someone else at the same moment. Reload."
_OTHER_DATE = "An invoice line's date is its charge's."
_BILLED_TWICE = (
    "A charge of this invoice is on another invoice already. Reload the unbilled charges and "
    "try again."
)


def drop_cancelled_pairs(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    return without_cancelled_pairs(entries, lambda e: e.id, lambda e: e.reverses)


def payer_name(store: MemoryStore, payer: PayerRef) -> str:
    if payer.kind is PayerKind.PERSON:
        person = store.tables["people"].get(payer.id)
        return "" if person is None else person.legal_name
    org = store.tables["organizations"].get(payer.id)
    return "" if org is None else org.name


class MemoryLedger:
    """`billed`: the entries on live invoices (the invoices' repository knows them)."""

    def __init__(self, store: MemoryStore, billed: Callable[[], set[UUID]]) -> None:
        self._store = store
        self._rows: dict[UUID, LedgerEntry] = store.tables["ledger_entries"]
        self.staged: dict[UUID, LedgerEntry] = {}
        self._billed = billed

    def _all(self) -> list[LedgerEntry]:
        return [*self._rows.values(), *self.staged.values()]

    def find(self, entry_id: UUID) -> LedgerEntry | None:
        """An entry this unit of work sees (stored or appended in it)."""
        return self.staged.get(entry_id) or self._rows.get(entry_id)

    async def append(self, entries: Sequence[LedgerEntry]) -> None:
        reversed_ids = {e.reverses for e in self._all() if e.reverses is not None}
        for e in entries:
            if e.id in self._rows or e.id in self.staged:
                raise InvariantViolation("This ledger entry exists already.")
            if e.reverses is not None:
                if e.reverses in reversed_ids:
                    raise InvariantViolation(_DOUBLE_REVERSAL)
                reversed_ids.add(e.reverses)
            self.staged[e.id] = e

    def check(self) -> None:
        stored = {e.reverses for e in self._rows.values() if e.reverses is not None}
        if any(e.reverses in stored for e in self.staged.values() if e.reverses is not None):
            raise InvariantViolation(_DOUBLE_REVERSAL)

    def apply(self) -> None:
        self._rows.update(self.staged)
        self.staged.clear()

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, LedgerEntry]:
        wanted = set(ids)
        return {e.id: e for e in self._all() if e.id in wanted}

    async def for_causes(self, cause_ids: Iterable[UUID]) -> list[LedgerEntry]:
        wanted = set(cause_ids)
        found = [e for e in self._all() if e.cause.id in wanted]
        return sorted(found, key=lambda e: (e.recorded_at, e.id))

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[LedgerEntry]:
        found = [
            e
            for e in self._all()
            if e.payer == payer
            and (start is None or e.occurred_on >= start)
            and (end is None or e.occurred_on <= end)
        ]
        return sorted(found, key=lambda e: (e.occurred_on, e.recorded_at, e.id))

    def _unbilled(self, start: date, end: date) -> list[LedgerEntry]:
        """Billable entries of [start, end] on no live invoice (cancelled pairs included)."""
        billed = self._billed()
        return [
            e
            for e in self._all()
            if e.kind.billable and start <= e.occurred_on <= end and e.id not in billed
        ]

    async def unbilled(
        self, start: date, end: date, payer: PayerRef | None = None
    ) -> list[LedgerEntry]:
        found = [e for e in self._unbilled(start, end) if payer is None or e.payer == payer]
        found.sort(key=lambda e: (e.payer.kind.value, str(e.payer.id), e.occurred_on, e.id))
        return drop_cancelled_pairs(found)

    async def unbilled_payers(
        self, start: date, end: date, *, offset: int, limit: int
    ) -> UnbilledPayers:
        totals = dict[PayerRef, int]()
        for e in self._unbilled(start, end):  # pairs included: they sum to nothing
            totals[e.payer] = totals.get(e.payer, 0) + e.amount.amount_minor
        people = self._store.tables["people"]
        organizations = self._store.tables["organizations"]

        def folded(p: PayerRef) -> str:  # as the SQL stores' `*_folded` columns hold it
            if p.kind is PayerKind.PERSON:
                person = people.get(p.id)
                return person.legal_name.casefold() if person is not None else ""
            organization = organizations.get(p.id)
            return organization.name.casefold() if organization is not None else ""

        order = sorted(totals, key=lambda p: (folded(p), p.id.hex))
        return UnbilledPayers(
            rows=[(p, totals[p]) for p in order[offset : offset + limit]],
            count=len(order),
            total_minor=sum(totals.values()),
        )

    async def unbilled_charges(
        self,
        start: date,
        end: date,
        payer: PayerRef | None = None,
        *,
        among: Collection[PayerRef] | None = None,
    ) -> list[UnbilledCharge]:
        people, services = self._store.tables["people"], self._store.tables["services"]

        def named(e: LedgerEntry) -> UnbilledCharge:
            service = services.get(e.service_id) if e.service_id else None
            person = people.get(e.participant_id) if e.participant_id else None
            return UnbilledCharge(
                entry_id=e.id,
                payer_kind=e.payer.kind,
                payer_id=e.payer.id,
                kind=e.kind,
                occurred_on=e.occurred_on,
                amount_minor=e.amount.amount_minor,
                currency=e.amount.currency,
                code=e.code,
                memo=e.memo,
                reverses=e.reverses,
                case_id=e.case_id,
                cause_id=e.cause.id,
                participant_id=e.participant_id,
                service_name=service.name if service is not None else None,
                participant_name=person.display_name if person is not None else None,
            )

        wanted = None if among is None else set(among)
        return [
            named(e)
            for e in await self.unbilled(start, end, payer)
            if wanted is None or e.payer in wanted
        ]

    async def payer_balance(
        self, payer: PayerRef, currency: str, *, before: date | None = None
    ) -> Money:
        return Money(
            sum(
                e.amount.amount_minor
                for e in self._all()
                if e.payer == payer
                and e.amount.currency == currency
                and (before is None or e.occurred_on < before)
            ),
            currency,
        )

    async def case_shares(self, case_id: CaseId) -> list[CaseShare]:
        entries = self._all()
        charged: dict[tuple[PayerRef, str], int] = {}
        for e in entries:
            if e.case_id == case_id:
                key = (e.payer, e.amount.currency)
                charged[key] = charged.get(key, 0) + e.amount.amount_minor
        owes = dict.fromkeys(charged, 0)
        for e in entries:
            if (key := (e.payer, e.amount.currency)) in owes:
                owes[key] += e.amount.amount_minor
        return [
            CaseShare(
                payer_kind=p.kind,
                payer_id=p.id,
                currency=c,
                charged_minor=s,
                owes_minor=owes[p, c],
            )
            for (p, c), s in sorted(
                charged.items(), key=lambda kv: (kv[0][0].kind.value, str(kv[0][0].id), kv[0][1])
            )
        ]

    async def participant_charges(self, case_id: CaseId, person_id: PersonId) -> Money | None:
        found = [e for e in self._all() if e.case_id == case_id and e.participant_id == person_id]
        if not found:
            return None
        return Money(sum(e.amount.amount_minor for e in found), found[0].amount.currency)


class MemoryInvoices:
    def __init__(self, store: MemoryStore, table: Table[Invoice]) -> None:
        self._store = store
        self._table = table
        self._stored: dict[UUID, Invoice] = store.tables["invoices"]
        self._allocations: dict[UUID, Allocation] = store.tables["invoice_allocations"]
        self._counter: dict[str, int] = store.tables["invoice_counter"]
        self.staged_allocations: dict[UUID, Allocation] = {}
        self._numbers_read: int | None = None
        self._numbers_taken = 0
        # The ledger's entries by id (the unit of work sets it): a line has its entry's date.
        self.entry_of: Callable[[UUID], LedgerEntry | None] = lambda _id: None

    def billed(self) -> set[UUID]:
        return {
            line.entry_id
            for inv in self._table.visible()
            if inv.status is not InvoiceStatus.VOID
            for line in inv.lines
        }

    def _refuse_other_dates(self, invoices: Sequence[Invoice]) -> None:
        """As the SQL stores' trigger: a line's occurred_on is its entry's."""
        for inv in invoices:
            for line in inv.lines:
                entry = self.entry_of(line.entry_id)
                if entry is not None and entry.occurred_on != line.occurred_on:
                    raise InvariantViolation(_OTHER_DATE, field="lines")

    def _refuse_billed_twice(self, invoices: Sequence[Invoice]) -> None:
        self._refuse_other_dates(invoices)
        ids = {inv.id for inv in invoices}
        taken = {
            line.entry_id
            for inv in self._table.visible()
            if inv.status is not InvoiceStatus.VOID and inv.id not in ids
            for line in inv.lines
        }
        for inv in invoices:
            if inv.status is InvoiceStatus.VOID:
                continue
            if taken & inv.entry_ids:
                raise InvariantViolation(_BILLED_TWICE, field="lines")
            taken |= inv.entry_ids

    async def get(self, invoice_id: UUID) -> Invoice | None:
        return self._table.get(invoice_id)

    async def add(self, invoice: Invoice) -> None:
        await self.add_many([invoice])

    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        self._refuse_billed_twice(invoices)
        for inv in invoices:
            self._table.add(inv)

    async def update(self, invoice: Invoice) -> None:
        self._refuse_billed_twice([invoice])
        self._table.update(invoice)

    async def next_numbers(self, count: int = 1) -> list[int]:
        if self._numbers_read is None:
            self._numbers_read = self._counter.get("last", 0)
        first = self._numbers_read + self._numbers_taken + 1
        self._numbers_taken += count
        return list(range(first, first + count))

    def check(self) -> None:
        if self._numbers_read is not None and self._counter.get("last", 0) != self._numbers_read:
            raise ConcurrencyConflict("The invoice numbers")
        stored = {
            line.entry_id: inv.id
            for inv in self._stored.values()
            if inv.status is not InvoiceStatus.VOID and inv.id not in self._table.staged
            for line in inv.lines
        }
        for inv in self._table.staged.values():
            if inv.status is InvoiceStatus.VOID:
                continue
            if any(stored.get(e, inv.id) != inv.id for e in inv.entry_ids):
                raise InvariantViolation(_BILLED_TWICE, field="lines")

    def apply(self) -> None:
        if self._numbers_read is not None:
            self._counter["last"] = self._numbers_read + self._numbers_taken
        self._allocations.update(self.staged_allocations)
        self.discard()

    def discard(self) -> None:
        self.staged_allocations.clear()
        self._numbers_read, self._numbers_taken = None, 0

    async def for_payer_period(self, payer: PayerRef, start: date, end: date) -> list[Invoice]:
        found = [
            i
            for i in self._table.visible()
            if i.payer == payer and i.period_start == start and i.period_end == end
        ]
        return [copy.deepcopy(i) for i in sorted(found, key=lambda i: (i.created_at, i.id))]

    async def periods_issued(self, start: date, end: date) -> set[PayerRef]:
        return {
            i.payer
            for i in self._table.visible()
            if i.period_start == start and i.period_end == end and i.status in _LIVE
        }

    def _paid(self) -> dict[UUID, int]:
        sums: dict[UUID, int] = {}
        for a in [*self._allocations.values(), *self.staged_allocations.values()]:
            sums[a.invoice_id] = sums.get(a.invoice_id, 0) + a.amount.amount_minor
        return sums

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
        found = [
            i
            for i in self._table.visible()
            if (status is None or i.status is status)
            and (payer is None or i.payer == payer)
            and (issued_from is None or (i.issued_on is not None and i.issued_on >= issued_from))
            and (issued_to is None or (i.issued_on is not None and i.issued_on <= issued_to))
        ]
        found.sort(key=lambda i: str(i.id))
        found.sort(key=lambda i: i.created_at, reverse=True)
        found.sort(key=lambda i: (i.number is not None, -(i.number or 0)))
        paid = self._paid()
        rows = [
            InvoiceRow(
                id=i.id,
                number=i.number,
                status=i.status,
                payer_kind=i.payer.kind,
                payer_id=i.payer.id,
                payer_name=payer_name(self._store, i.payer),
                period_start=i.period_start,
                period_end=i.period_end,
                issued_on=i.issued_on,
                due_on=i.due_on,
                total_minor=i.total.amount_minor,
                paid_minor=paid.get(i.id, 0),
                currency=i.currency,
            )
            for i in found[offset : offset + limit]
        ]
        total = len(found) if count_to is None else min(len(found), count_to)
        return InvoicePage(rows=rows, total=total)

    async def aging(self, today: date, *, offset: int, limit: int) -> AgingPage:
        paid = self._paid()
        buckets: dict[PayerRef, list[int]] = {}
        for i in self._table.visible():
            if i.status is not InvoiceStatus.ISSUED or i.issued_on is None:
                continue
            age = (today - i.issued_on).days
            n = 0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3
            row = buckets.setdefault(i.payer, [0, 0, 0, 0])
            row[n] += i.total.amount_minor - paid.get(i.id, 0)
        rows = [
            AgingRow(
                payer_kind=p.kind,
                payer_id=p.id,
                payer_name=payer_name(self._store, p),
                days_0_30=b[0],
                days_31_60=b[1],
                days_61_90=b[2],
                days_over_90=b[3],
            )
            for p, b in buckets.items()
            if any(b)
        ]
        rows.sort(key=lambda r: (r.payer_name, r.payer_id.hex))
        return AgingPage(
            rows=rows[offset : offset + limit],
            count=len(rows),
            totals=(
                sum(r.days_0_30 for r in rows),
                sum(r.days_31_60 for r in rows),
                sum(r.days_61_90 for r in rows),
                sum(r.days_over_90 for r in rows),
            ),
        )

    async def add_allocation(self, allocation: Allocation) -> None:
        self.staged_allocations[allocation.id] = allocation

    async def allocated(self, invoice_ids: Iterable[UUID]) -> dict[UUID, Money]:
        wanted = set(invoice_ids)
        currency = {i.id: i.currency for i in self._table.visible() if i.id in wanted}
        return {i: Money(s, currency[i]) for i, s in self._paid().items() if i in currency}

    async def allocated_from(self, entry_ids: Iterable[UUID]) -> dict[UUID, Money]:
        wanted = set(entry_ids)
        sums: dict[UUID, Money] = {}
        for a in [*self._allocations.values(), *self.staged_allocations.values()]:
            if a.payment_entry_id in wanted:
                before = sums.get(a.payment_entry_id, Money(0, a.amount.currency))
                sums[a.payment_entry_id] = before + a.amount
        return sums

    async def allocations_of(self, payment_entry_id: UUID) -> list[Allocation]:
        found = [
            a
            for a in [*self._allocations.values(), *self.staged_allocations.values()]
            if a.payment_entry_id == payment_entry_id
        ]
        return sorted(found, key=lambda a: a.at)

    async def allocations_to(self, invoice_id: UUID) -> list[Allocation]:
        found = [
            a
            for a in [*self._allocations.values(), *self.staged_allocations.values()]
            if a.invoice_id == invoice_id
        ]
        return sorted(found, key=lambda a: a.at)

    async def open_for_payer(self, payer: PayerRef) -> list[tuple[UUID, Money]]:
        paid = self._paid()
        found = sorted(
            (
                i
                for i in self._table.visible()
                if i.payer == payer and i.status is InvoiceStatus.ISSUED
            ),
            key=lambda i: (i.issued_on or date.min, i.number or 0),
        )
        return [
            (i.id, Money(i.total.amount_minor - paid.get(i.id, 0), i.currency))
            for i in found
            if i.total.amount_minor - paid.get(i.id, 0) > 0
        ]


class MemoryFeeOverrides:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[UUID, FeeOverride] = store.tables["fee_overrides"]
        self.staged: dict[UUID, FeeOverride] = {}

    async def add(self, override: FeeOverride) -> None:
        self.staged[override.id] = override

    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[FeeOverride]:
        wanted = set(case_ids)
        found = [o for o in [*self._rows.values(), *self.staged.values()] if o.case_id in wanted]
        return sorted(found, key=lambda o: (o.starts_on, o.id))

    def apply(self) -> None:
        self._rows.update(self.staged)
        self.staged.clear()
