"""The statements of billing's by-payer screens (aging, the unbilled charges), each built
once per dialect with its values bound when it runs: building and keying them for the
statement cache was more than half of aging's CPU. And what "unbilled" means, which the
ledger's other reads share."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import by_text
from adapters.persistence.sql.tables.billing import is_issued
from core.domain.billing.ledger import EntryKind
from core.domain.cases.responsibilities import PayerKind

_e, _i, _l = t.ledger_entries, t.invoices, t.invoice_lines
_BILLABLE = [k.value for k in EntryKind if k.billable]


# Aging's bucket bounds, in days before today: 0-30, 31-60, 61-90, over 90.
AGING_DAYS = (30, 31, 60, 61, 90, 91)


@functools.cache
def aging_statement(dialect: str) -> sa.Select[Any]:
    """Aging's one statement, built once (its dates, offset and limit bound when it runs):
    building and keying it for the statement cache was more than half of the screen's CPU.

    What is open on each issued invoice is read off ix_invoices_issued alone: the paid amount
    is kept on the invoice (migration 0023). The CTE is left for PostgreSQL to fold into the
    grouping, which then reads the index in payer order and sums as it goes (kept whole, the
    rows were copied and hashed by payer: 55 ms instead of 37 under EXPLAIN ANALYZE at the
    large tier)."""
    issued = (
        sa.select(
            _i.c.payer_kind,
            _i.c.payer_id,
            _i.c.issued_on,
            (_i.c.total_minor - _i.c.paid_minor).label("open_minor"),
        )
        .where(is_issued())
        .cte("issued")
    )
    on = issued.c.issued_on

    def bucket(*conditions: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((sa.and_(*conditions), issued.c.open_minor), else_=0))

    day = functools.partial(sa.bindparam, type_=sa.Date)
    buckets = [
        bucket(on >= day("b0")),
        bucket(on <= day("b1"), on >= day("b2")),
        bucket(on <= day("b3"), on >= day("b4")),
        bucket(on <= day("b5")),
    ]
    owed = (
        sa.select(
            issued.c.payer_kind,
            issued.c.payer_id,
            *(b.label(f"d{n}") for n, b in enumerate(buckets)),
        )
        .group_by(issued.c.payer_kind, issued.c.payer_id)
        .having(sa.or_(*(b != 0 for b in buckets)))
        .cte("owed")
    )
    totals = [sa.func.coalesce(sa.func.sum(owed.c[f"d{n}"]), 0).label(f"t{n}") for n in range(4)]
    return _payer_page(owed, ("legal_name", "name", "payer_name"), totals, dialect)


def unbilled(
    start: date | sa.BindParameter[date], end: date | sa.BindParameter[date]
) -> list[sa.ColumnElement[bool]]:
    """Billable entries that occurred in [start, end] and are on no live invoice.

    A line's occurred_on is its entry's (a trigger refuses any other, migration 0022), so the
    lines looked at are the live ones of [start, end] alone: PostgreSQL hashes those (a few
    thousand, off their index) instead of looking each of the period's entries up among every
    live line (28,880 lookups, 100 ms of a month at the large tier). `start` and `end`: days,
    or bound parameters of a statement built once."""
    billed = sa.exists().where(
        _l.c.entry_id == _e.c.id,
        _l.c.live,
        _l.c.occurred_on >= start,
        _l.c.occurred_on <= end,
    )
    return [
        _e.c.occurred_on >= start,
        _e.c.occurred_on <= end,
        _e.c.kind.in_(_BILLABLE),
        ~billed,
    ]


@functools.cache
def unbilled_payers_statement(dialect: str) -> sa.Select[Any]:
    """The unbilled screen's page of payers, built once (period, offset and limit bound when it
    runs). The period's sums by payer once (a CTE read twice: PostgreSQL materializes it), the
    count and total of all of them with a page of them in one statement: a row at least."""
    grouped = (
        sa.select(_e.c.payer_kind, _e.c.payer_id, sa.func.sum(_e.c.amount_minor).label("total"))
        .where(*unbilled(sa.bindparam("start", type_=sa.Date), sa.bindparam("end", type_=sa.Date)))
        .group_by(_e.c.payer_kind, _e.c.payer_id)
        .cte("grouped")
    )
    total = sa.func.coalesce(sa.func.sum(grouped.c.total), 0).label("all_minor")
    return _payer_page(grouped, ("legal_folded", "name_folded", "folded"), [total], dialect)


def _payer_page(
    by_payer: Any, text: tuple[str, str, str], totals: Sequence[Any], dialect: str
) -> sa.Select[Any]:
    """A page of `by_payer` (a CTE with payer_kind and payer_id: PostgreSQL materializes it,
    read twice) ordered by the payers' `text` (a person's column, an organization's, the
    label), `offset` and `limit` bound, beside the count of all of them and their `totals`:
    one row at least, with a page's payers or none."""
    person, organization, label = text
    named, column = _joined_payer_text(by_payer, person, organization)
    page = (
        sa.select(by_payer, column.label(label))
        .select_from(named)
        .order_by(by_text(column, dialect), by_payer.c.payer_id)
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .subquery("page")
    )
    summary = sa.select(sa.func.count().label("payers"), *totals).subquery("summary")
    return (
        sa.select(summary, page)
        .select_from(summary.outerjoin(page, sa.true()))
        .order_by(by_text(page.c[label], dialect), page.c.payer_id)
    )


def _joined_payer_text(
    source: Any, person: str, organization: str
) -> tuple[sa.FromClause, sa.ColumnElement[str]]:
    """`source` (with payer_kind and payer_id columns) joined to its payers' rows, and a column
    of theirs ('' when the payer is unknown). For a list ordered by every payer's name: joined,
    PostgreSQL may hash the people once (at the large tier 40,000 rows, 780 pages) instead of
    looking up each of 6,000 payers (19,000 pages read)."""
    people, organizations = t.people.alias("payer_person"), t.organizations.alias("payer_org")
    joined = source.outerjoin(
        people,
        sa.and_(source.c.payer_kind == PayerKind.PERSON.value, people.c.id == source.c.payer_id),
    ).outerjoin(
        organizations,
        sa.and_(
            source.c.payer_kind == PayerKind.ORGANIZATION.value,
            organizations.c.id == source.c.payer_id,
        ),
    )
    return joined, sa.func.coalesce(people.c[person], organizations.c[organization], "")
