"""Billing on SQL: the ledger (insert only), invoices and their lines, the number counter,
allocations, fee overrides. Every method is a fixed number of statements, whatever the number
of rows: the monthly run writes thousands of invoices in a handful of them.

One module over 400 lines on purpose, for now: the ledger's, the invoices' and the allocations'
stores share their row mappers and the live invoice lines; the by-payer screens' statements
and what is billed (`unbilled`) are in `billing_pages.py`; the next cut is `ledger.py` for
SqlLedger."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.billing_pages import (
    AGING_DAYS,
    aging_statement,
    unbilled,
    unbilled_payers_statement,
)
from adapters.persistence.sql.bulk import insert_rows
from adapters.persistence.sql.expressions import among, among_bound, among_value
from adapters.persistence.sql.tables.billing import is_issued
from adapters.persistence.sql.upsert import upsert
from core.domain.billing.fees import FeeOverride
from core.domain.billing.invoices import Allocation, Invoice, InvoiceLine, InvoiceStatus
from core.domain.billing.ledger import (
    Cause,
    CauseKind,
    EntryKind,
    LedgerEntry,
    without_cancelled_pairs,
)
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, Money, PersonId, StaffId
from core.ports.billing import (
    AgingPage,
    AgingRow,
    CaseShare,
    InvoicePage,
    InvoiceRow,
    UnbilledCharge,
    UnbilledPayers,
)

_e, _i, _l, _a = t.ledger_entries, t.invoices, t.invoice_lines, t.invoice_allocations


def _case_shares() -> sa.Select[Any]:
    """The case page's money: per payer of the case's entries, their sum and the payer's
    balance in that currency, one statement (built once). The balance is a sub-query per payer
    (a case has one to three), by the by-payer index that carries currency and amount."""
    every = _e.alias("every")
    owes = (
        sa.select(sa.func.coalesce(sa.func.sum(every.c.amount_minor), 0))
        .where(
            every.c.payer_kind == _e.c.payer_kind,
            every.c.payer_id == _e.c.payer_id,
            every.c.currency == _e.c.currency,
        )
        .scalar_subquery()
    )
    return (
        sa.select(
            _e.c.payer_kind, _e.c.payer_id, _e.c.currency, sa.func.sum(_e.c.amount_minor), owes
        )
        .where(_e.c.case_id == sa.bindparam("case_id"))
        .group_by(_e.c.payer_kind, _e.c.payer_id, _e.c.currency)
        .order_by(_e.c.payer_kind, _e.c.payer_id, _e.c.currency)
    )


_CASE_SHARES = _case_shares()
_LIVE = [InvoiceStatus.ISSUED.value, InvoiceStatus.PAID.value]
_OTHER_DATE_REFUSED = "invoice line occurred_on differs from its ledger entry"


def _entry_values(e: LedgerEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "payer_kind": e.payer.kind.value,
        "payer_id": e.payer.id,
        "kind": e.kind.value,
        "amount_minor": e.amount.amount_minor,
        "currency": e.amount.currency,
        "occurred_on": e.occurred_on,
        "recorded_at": e.recorded_at,
        "cause_kind": e.cause.kind.value,
        "cause_id": e.cause.id,
        "cause_participant_id": e.cause.participant_id,
        "case_id": e.case_id,
        "participant_id": e.participant_id,
        "service_id": e.service_id,
        "code": e.code,
        "of_total_minor": None if e.of_total is None else e.of_total.amount_minor,
        "reverses": e.reverses,
        "recorded_by": e.recorded_by,
        "memo": e.memo,
    }


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        payer=PayerRef(PayerKind(row.payer_kind), row.payer_id),
        kind=EntryKind(row.kind),
        amount=Money(row.amount_minor, row.currency),
        occurred_on=row.occurred_on,
        recorded_at=row.recorded_at,
        cause=Cause(
            CauseKind(row.cause_kind),
            row.cause_id,
            None if row.cause_participant_id is None else PersonId(row.cause_participant_id),
        ),
        case_id=None if row.case_id is None else CaseId(row.case_id),
        participant_id=None if row.participant_id is None else PersonId(row.participant_id),
        service_id=row.service_id,
        code=row.code,
        of_total=None if row.of_total_minor is None else Money(row.of_total_minor, row.currency),
        reverses=row.reverses,
        recorded_by=None if row.recorded_by is None else StaffId(row.recorded_by),
        memo=row.memo,
    )


def _payer_is(payer: PayerRef, table: Any) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.payer_kind == payer.kind.value, table.c.payer_id == payer.id)


def _payer_text(
    kind: sa.ColumnElement[str],
    payer_id: sa.ColumnElement[Any],
    person: sa.ColumnElement[str],
    organization: sa.ColumnElement[str],
) -> sa.ColumnElement[str]:
    """A column of the payer's row (a person's, an organization's) as a scalar subquery."""
    return sa.case(
        (
            kind == PayerKind.PERSON.value,
            sa.select(person).where(t.people.c.id == payer_id).scalar_subquery(),
        ),
        else_=sa.select(organization).where(t.organizations.c.id == payer_id).scalar_subquery(),
    )


def payer_name(table: sa.Table) -> sa.ColumnElement[str]:
    """The payer's name (a person's legal name, an organization's name) as a scalar subquery."""
    return _payer_text(
        table.c.payer_kind, table.c.payer_id, t.people.c.legal_name, t.organizations.c.name
    ).label("payer_name")


def _allocation(r: Any) -> Allocation:
    return Allocation(
        id=r.id,
        payment_entry_id=r.payment_entry_id,
        invoice_id=r.invoice_id,
        amount=Money(r.amount_minor, r.currency),
        at=r.at,
    )


def drop_cancelled_pairs(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    return without_cancelled_pairs(entries, lambda e: e.id, lambda e: e.reverses)


class SqlLedger:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name

    async def append(self, entries: Sequence[LedgerEntry]) -> None:
        try:
            async with self._conn.begin_nested():
                await insert_rows(self._conn, _e, [_entry_values(e) for e in entries])
        except IntegrityError as exc:
            raise InvariantViolation(
                "This charge was corrected by someone else at the same moment. Reload."
            ) from exc

    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, LedgerEntry]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self._conn.execute(sa.select(_e).where(among(_e.c.id, wanted, self._dialect)))
        return {r.id: _entry(r) for r in rows}

    async def for_causes(self, cause_ids: Iterable[UUID]) -> list[LedgerEntry]:
        wanted = list(cause_ids)
        if not wanted:
            return []
        rows = await self._conn.execute(
            sa.select(_e)
            .where(among(_e.c.cause_id, wanted, self._dialect))
            .order_by(_e.c.recorded_at, _e.c.id)
        )
        return [_entry(r) for r in rows]

    async def for_payer(
        self, payer: PayerRef, *, start: date | None = None, end: date | None = None
    ) -> list[LedgerEntry]:
        query = sa.select(_e).where(_payer_is(payer, _e))
        if start is not None:
            query = query.where(_e.c.occurred_on >= start)
        if end is not None:
            query = query.where(_e.c.occurred_on <= end)
        rows = await self._conn.execute(query.order_by(_e.c.occurred_on, _e.c.recorded_at, _e.c.id))
        return [_entry(r) for r in rows]

    async def unbilled(
        self, start: date, end: date, payer: PayerRef | None = None
    ) -> list[LedgerEntry]:
        query = sa.select(_e).where(*unbilled(start, end))
        if payer is not None:
            query = query.where(_payer_is(payer, _e))
        rows = await self._conn.execute(
            query.order_by(_e.c.payer_kind, _e.c.payer_id, _e.c.occurred_on, _e.c.id)
        )
        return drop_cancelled_pairs([_entry(r) for r in rows])

    async def unbilled_payers(
        self, start: date, end: date, *, offset: int, limit: int
    ) -> UnbilledPayers:
        found = list(
            await self._conn.execute(
                unbilled_payers_statement(self._dialect),
                {"start": start, "end": end, "offset": offset, "limit": limit},
            )
        )
        head = found[0]
        rows = [
            (PayerRef(PayerKind(r.payer_kind), r.payer_id), int(r.total))
            for r in found
            if r.payer_id is not None
        ]
        return UnbilledPayers(rows=rows, count=int(head.payers), total_minor=int(head.all_minor))

    async def unbilled_charges(
        self,
        start: date,
        end: date,
        payer: PayerRef | None = None,
        *,
        among: Collection[PayerRef] | None = None,
    ) -> list[UnbilledCharge]:
        people, services = t.people, t.services
        query = (
            sa.select(
                _e.c.id,
                _e.c.payer_kind,
                _e.c.payer_id,
                _e.c.kind,
                _e.c.occurred_on,
                _e.c.amount_minor,
                _e.c.currency,
                _e.c.code,
                _e.c.memo,
                _e.c.reverses,
                _e.c.case_id,
                _e.c.cause_id,
                _e.c.participant_id,
                services.c.name.label("service_name"),
                sa.func.coalesce(
                    sa.func.nullif(people.c.preferred_name, ""), people.c.legal_name
                ).label("participant_name"),
            )
            .select_from(
                _e.outerjoin(services, services.c.id == _e.c.service_id).outerjoin(
                    people, people.c.id == _e.c.participant_id
                )
            )
            .where(*unbilled(start, end))
        )
        if payer is not None:
            query = query.where(_payer_is(payer, _e))
        if among is not None:
            query = query.where(
                sa.tuple_(_e.c.payer_kind, _e.c.payer_id).in_([(p.kind.value, p.id) for p in among])
            )
        rows = await self._conn.execute(
            query.order_by(_e.c.payer_kind, _e.c.payer_id, _e.c.occurred_on, _e.c.id)
        )
        found = [
            UnbilledCharge(
                entry_id=r.id,
                payer_kind=PayerKind(r.payer_kind),
                payer_id=r.payer_id,
                kind=EntryKind(r.kind),
                occurred_on=r.occurred_on,
                amount_minor=r.amount_minor,
                currency=r.currency,
                code=r.code,
                memo=r.memo,
                reverses=r.reverses,
                case_id=r.case_id,
                cause_id=r.cause_id,
                participant_id=r.participant_id,
                service_name=r.service_name,
                participant_name=r.participant_name,
            )
            for r in rows
        ]
        return without_cancelled_pairs(found, lambda c: c.entry_id, lambda c: c.reverses)

    async def payer_balance(
        self, payer: PayerRef, currency: str, *, before: date | None = None
    ) -> Money:
        query = sa.select(sa.func.coalesce(sa.func.sum(_e.c.amount_minor), 0)).where(
            _payer_is(payer, _e), _e.c.currency == currency
        )
        if before is not None:
            query = query.where(_e.c.occurred_on < before)
        total = await self._conn.scalar(query)
        return Money(int(total or 0), currency)

    async def case_shares(self, case_id: CaseId) -> list[CaseShare]:
        rows = await self._conn.execute(_CASE_SHARES, {"case_id": case_id})
        return [
            CaseShare(
                payer_kind=PayerKind(k),
                payer_id=i,
                currency=c,
                charged_minor=int(charged),
                owes_minor=int(owes),
            )
            for k, i, c, charged, owes in rows
        ]

    async def participant_charges(self, case_id: CaseId, person_id: PersonId) -> Money | None:
        row = (
            await self._conn.execute(
                sa.select(sa.func.sum(_e.c.amount_minor), sa.func.min(_e.c.currency)).where(
                    _e.c.case_id == case_id, _e.c.participant_id == person_id
                )
            )
        ).first()
        if row is None or row[0] is None:
            return None
        return Money(int(row[0]), row[1])


def _invoice_values(inv: Invoice) -> dict[str, Any]:
    return {
        "id": inv.id,
        "payer_kind": inv.payer.kind.value,
        "payer_id": inv.payer.id,
        "currency": inv.currency,
        "created_at": inv.created_at,
        "created_by": inv.created_by,
        "period_start": inv.period_start,
        "period_end": inv.period_end,
        "status": inv.status.value,
        "number": inv.number,
        "issued_on": inv.issued_on,
        "issued_at": inv.issued_at,
        "due_on": inv.due_on,
        "voided_at": inv.voided_at,
        "void_reason": inv.void_reason,
        "replaces": inv.replaces,
        "paid_at": inv.paid_at,
        "total_minor": inv.total.amount_minor,
        "version": inv.version,
    }


def _line_values(inv: Invoice) -> list[dict[str, Any]]:
    live = inv.status is not InvoiceStatus.VOID
    return [
        {
            "invoice_id": inv.id,
            "entry_id": li.entry_id,
            "position": n,
            "occurred_on": li.occurred_on,
            "description": li.description,
            "amount_minor": li.amount.amount_minor,
            "code": li.code,
            "participant_id": li.participant_id,
            "participant_name": li.participant_name,
            "case_id": li.case_id,
            "appointment_id": li.appointment_id,
            "live": live,
        }
        for n, li in enumerate(inv.lines)
    ]


def _invoice(row: Any, lines: list[InvoiceLine]) -> Invoice:
    return Invoice(
        id=row.id,
        payer=PayerRef(PayerKind(row.payer_kind), row.payer_id),
        currency=row.currency,
        created_at=row.created_at,
        created_by=None if row.created_by is None else StaffId(row.created_by),
        period_start=row.period_start,
        period_end=row.period_end,
        lines=lines,
        status=InvoiceStatus(row.status),
        number=row.number,
        issued_on=row.issued_on,
        issued_at=row.issued_at,
        due_on=row.due_on,
        voided_at=row.voided_at,
        void_reason=row.void_reason,
        replaces=row.replaces,
        paid_at=row.paid_at,
        version=row.version,
    )


def _line(row: Any, currency: str) -> InvoiceLine:
    return InvoiceLine(
        entry_id=row.entry_id,
        occurred_on=row.occurred_on,
        description=row.description,
        amount=Money(row.amount_minor, currency),
        code=row.code,
        participant_id=None if row.participant_id is None else PersonId(row.participant_id),
        participant_name=row.participant_name,
        case_id=None if row.case_id is None else CaseId(row.case_id),
        appointment_id=row.appointment_id,
    )


class SqlInvoices:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
        self.events: list[DomainEvent] = []

    def _take_events(self, inv: Invoice) -> None:
        self.events += inv.events.pull()

    async def _insert_lines(self, rows: list[dict[str, Any]]) -> None:
        try:
            async with self._conn.begin_nested():
                await insert_rows(self._conn, _l, rows)
        except IntegrityError as exc:
            if _OTHER_DATE_REFUSED in str(exc):  # the trigger of migration 0022
                raise InvariantViolation(
                    "An invoice line's date is its charge's.", field="lines"
                ) from exc
            raise InvariantViolation(
                "A charge of this invoice is on another invoice already. Reload the "
                "unbilled charges and try again.",
                field="lines",
            ) from exc

    async def get(self, invoice_id: UUID) -> Invoice | None:
        found = await self._load(sa.select(_i).where(_i.c.id == invoice_id))
        return found[0] if found else None

    async def _load(self, query: sa.Select[Any]) -> list[Invoice]:
        heads = list(await self._conn.execute(query))
        if not heads:
            return []
        rows = await self._conn.execute(
            sa.select(_l)
            .where(among(_l.c.invoice_id, [h.id for h in heads], self._dialect))
            .order_by(_l.c.invoice_id, _l.c.position)
        )
        lines: dict[UUID, list[Any]] = {}
        for r in rows:
            lines.setdefault(r.invoice_id, []).append(r)
        return [_invoice(h, [_line(r, h.currency) for r in lines.get(h.id, [])]) for h in heads]

    async def add(self, invoice: Invoice) -> None:
        await self.add_many([invoice])

    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        await insert_rows(self._conn, _i, [_invoice_values(inv) for inv in invoices])
        await self._insert_lines([row for inv in invoices for row in _line_values(inv)])
        for inv in invoices:
            self._take_events(inv)

    async def update(self, invoice: Invoice) -> None:
        values = _invoice_values(invoice)
        values["version"] = invoice.version + 1
        done = await self._conn.execute(
            sa.update(_i)
            .where(_i.c.id == invoice.id, _i.c.version == invoice.version)
            .values(**values)
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("This invoice")
        invoice.version += 1
        if invoice.status is InvoiceStatus.DRAFT:
            await self._conn.execute(sa.delete(_l).where(_l.c.invoice_id == invoice.id))
            await self._insert_lines(_line_values(invoice))
        elif invoice.status is InvoiceStatus.VOID:
            await self._conn.execute(
                sa.update(_l).where(_l.c.invoice_id == invoice.id).values(live=False)
            )
        self._take_events(invoice)

    async def next_numbers(self, count: int = 1) -> list[int]:
        statement = upsert(
            self._conn.dialect.name,
            t.invoice_counter,
            {"id": 1, "last_number": count},
            ["id"],
            lambda excluded: {"last_number": t.invoice_counter.c.last_number + count},
        ).returning(t.invoice_counter.c.last_number)
        last = (await self._conn.execute(statement)).scalar_one()
        return list(range(last - count + 1, last + 1))

    async def for_payer_period(self, payer: PayerRef, start: date, end: date) -> list[Invoice]:
        return await self._load(
            sa.select(_i)
            .where(_payer_is(payer, _i), _i.c.period_start == start, _i.c.period_end == end)
            .order_by(_i.c.created_at, _i.c.id)
        )

    async def periods_issued(self, start: date, end: date) -> set[PayerRef]:
        rows = await self._conn.execute(
            sa.select(_i.c.payer_kind, _i.c.payer_id).where(
                _i.c.period_start == start, _i.c.period_end == end, _i.c.status.in_(_LIVE)
            )
        )
        return {PayerRef(PayerKind(k), i) for k, i in rows}

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
        def filters(table: Any) -> list[sa.ColumnElement[bool]]:
            found = []
            if status is not None:
                found.append(table.c.status == status.value)
            if payer is not None:
                found.append(_payer_is(payer, table))
            if issued_from is not None:
                found.append(table.c.issued_on >= issued_from)
            if issued_to is not None:
                found.append(table.c.issued_on <= issued_to)
            return found

        # The count is its own subquery, not `count(*) OVER ()`: a window over the whole
        # filter made PostgreSQL read and sort every invoice (480 ms at 255,000) for a page
        # of 50; this way the page is read backwards off the number's index, and the count
        # is an index-only scan, stopped at `count_to` (all 258,000 took 24 ms). Drafts (no
        # number yet) first: NULLS FIRST, on SQLite too.
        counted = _i.alias("counted")
        each = sa.select(sa.literal(1)).select_from(counted).where(*filters(counted))
        if count_to is not None:
            each = each.limit(count_to)
        matching = sa.select(sa.func.count()).select_from(each.subquery()).scalar_subquery()
        where = filters(_i)
        query = (
            sa.select(
                _i.c.id,
                _i.c.number,
                _i.c.status,
                _i.c.payer_kind,
                _i.c.payer_id,
                payer_name(_i),
                _i.c.period_start,
                _i.c.period_end,
                _i.c.issued_on,
                _i.c.due_on,
                _i.c.total_minor,
                _i.c.paid_minor,
                _i.c.currency,
                matching.label("matching"),
            )
            .where(*where)
            .order_by(_i.c.number.desc().nulls_first(), _i.c.created_at.desc(), _i.c.id)
        )
        rows = list(await self._conn.execute(query.offset(offset).limit(limit)))
        return InvoicePage(
            rows=[
                InvoiceRow(
                    id=r.id,
                    number=r.number,
                    status=InvoiceStatus(r.status),
                    payer_kind=PayerKind(r.payer_kind),
                    payer_id=r.payer_id,
                    payer_name=r.payer_name or "",
                    period_start=r.period_start,
                    period_end=r.period_end,
                    issued_on=r.issued_on,
                    due_on=r.due_on,
                    total_minor=r.total_minor,
                    paid_minor=int(r.paid_minor),
                    currency=r.currency,
                )
                for r in rows
            ],
            total=rows[0].matching if rows else 0,
        )

    async def aging(self, today: date, *, offset: int, limit: int) -> AgingPage:
        days = {f"b{n}": today - timedelta(days=d) for n, d in enumerate(AGING_DAYS)}
        rows = list(
            await self._conn.execute(
                aging_statement(self._dialect), {**days, "offset": offset, "limit": limit}
            )
        )
        head = rows[0]
        return AgingPage(
            rows=[
                AgingRow(
                    payer_kind=PayerKind(r.payer_kind),
                    payer_id=r.payer_id,
                    payer_name=r.payer_name,
                    days_0_30=int(r.d0),
                    days_31_60=int(r.d1),
                    days_61_90=int(r.d2),
                    days_over_90=int(r.d3),
                )
                for r in rows
                if r.payer_id is not None
            ],
            count=int(head.payers),
            totals=(int(head.t0), int(head.t1), int(head.t2), int(head.t3)),
        )

    async def add_allocation(self, allocation: Allocation) -> None:
        await self._conn.execute(
            sa.insert(_a).values(
                id=allocation.id,
                payment_entry_id=allocation.payment_entry_id,
                invoice_id=allocation.invoice_id,
                amount_minor=allocation.amount.amount_minor,
                currency=allocation.amount.currency,
                at=allocation.at,
            )
        )

    async def allocated(self, invoice_ids: Iterable[UUID]) -> dict[UUID, Money]:
        wanted = list(invoice_ids)
        if not wanted:
            return {}
        rows = await self._conn.execute(
            sa.select(_a.c.invoice_id, sa.func.sum(_a.c.amount_minor), sa.func.min(_a.c.currency))
            .where(among(_a.c.invoice_id, wanted, self._dialect))
            .group_by(_a.c.invoice_id)
        )
        return {i: Money(int(s), c) for i, s, c in rows}

    async def allocated_from(self, entry_ids: Iterable[UUID]) -> dict[UUID, Money]:
        wanted = list(entry_ids)
        if not wanted:
            return {}
        rows = await self._conn.execute(
            sa.select(
                _a.c.payment_entry_id, sa.func.sum(_a.c.amount_minor), sa.func.min(_a.c.currency)
            )
            .where(among(_a.c.payment_entry_id, wanted, self._dialect))
            .group_by(_a.c.payment_entry_id)
        )
        return {i: Money(int(s), c) for i, s, c in rows}

    async def allocations_of(self, payment_entry_id: UUID) -> list[Allocation]:
        rows = await self._conn.execute(
            sa.select(_a).where(_a.c.payment_entry_id == payment_entry_id).order_by(_a.c.at)
        )
        return [_allocation(r) for r in rows]

    async def allocations_to(self, invoice_id: UUID) -> list[Allocation]:
        rows = await self._conn.execute(
            sa.select(_a).where(_a.c.invoice_id == invoice_id).order_by(_a.c.at)
        )
        return [_allocation(r) for r in rows]

    async def open_for_payer(self, payer: PayerRef) -> list[tuple[UUID, Money]]:
        rows = await self._conn.execute(
            sa.select(_i.c.id, (_i.c.total_minor - _i.c.paid_minor).label("open"), _i.c.currency)
            .where(_payer_is(payer, _i), is_issued())
            .order_by(_i.c.issued_on, _i.c.number)
        )
        return [(r.id, Money(int(r.open), r.currency)) for r in rows if int(r.open) > 0]


@functools.cache
def _overrides_of_cases(dialect: str) -> sa.Select[Any]:
    """The fee overrides of the cases bound as `ids`, built once per dialect (asked on every
    visit of a case page by those who see its money)."""
    f = t.fee_overrides
    return (
        sa.select(f).where(among_bound(f.c.case_id, "ids", dialect)).order_by(f.c.starts_on, f.c.id)
    )


class SqlFeeOverrides:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name

    async def add(self, override: FeeOverride) -> None:
        await self._conn.execute(
            sa.insert(t.fee_overrides).values(
                id=override.id,
                case_id=override.case_id,
                person_id=override.person_id,
                service_id=override.service_id,
                starts_on=override.starts_on,
                fee_minor=override.fee.amount_minor,
                currency=override.fee.currency,
                recorded_at=override.recorded_at,
            )
        )

    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[FeeOverride]:
        wanted = list(case_ids)
        if not wanted:
            return []
        rows = await self._conn.execute(
            _overrides_of_cases(self._dialect), {"ids": among_value(wanted, self._dialect)}
        )
        return [
            FeeOverride(
                id=r.id,
                case_id=CaseId(r.case_id),
                starts_on=r.starts_on,
                fee=Money(r.fee_minor, r.currency),
                person_id=None if r.person_id is None else PersonId(r.person_id),
                service_id=r.service_id,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]
