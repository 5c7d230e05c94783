"""The access policy's scopes (`core.domain.cases.access`) as SQL clauses, for the stores that
filter by them before paging: the case list, and the people a staff member may see."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import among, among_bound, among_value
from core.domain.cases.access import StaffScope
from core.domain.cases.responsibilities import StaffDuty
from core.ports.directory import PeopleVisibility

# Each way a person relates to a case (as `Case.related_person_ids`), each an indexed column.
RELATED_PEOPLE = (
    t.case_memberships.c.person_id,
    t.case_billing.c.payer_person_id,
    t.case_helpers.c.helper_id,
    t.case_communication.c.person_id,
)


def case_held(scopes: Iterable[StaffScope], today: date, dialect: str) -> sa.ColumnElement[bool]:
    """The case (`t.cases`) has, on its reference day, one of a scope's `staff_ids` in one of
    its `duties`, for any of `scopes` (the reference day as core.domain.cases.access.reference_day:
    the closing day of a case closed before today, the opening day of one that opens later, else
    today).

    ONE EXISTS with the scopes OR-ed inside: PostgreSQL makes it a semi-join driven by the
    (staff_id, case_id) index, where an OR of one EXISTS per scope is a sequential scan of every
    case with two sub-plans per row (at 36,000 cases 300-600 ms without JIT, against 10-20 ms,
    on a busy 2-core machine)."""
    scopes = list(scopes)
    return _held(tuple(s.duties for s in scopes), dialect, "held", (today, scopes))


def held_shape(
    duties: tuple[frozenset[StaffDuty], ...], dialect: str, prefix: str
) -> sa.ColumnElement[bool]:
    """`case_held` for scopes with these duties, its values bound at execution
    (`held_values`): a statement that holds it can be built once per shape."""
    return _held(duties, dialect, prefix, None)


def _held(
    duties: tuple[frozenset[StaffDuty], ...],
    dialect: str,
    prefix: str,
    now: tuple[date, Sequence[StaffScope]] | None,
) -> sa.ColumnElement[bool]:
    """With `now` (today and the scopes), its values bound now; without, named parameters."""
    c, s = t.cases.c, t.case_staff.c
    today_ = sa.literal(now[0], sa.Date) if now else sa.bindparam(f"{prefix}_today", type_=sa.Date)
    day = sa.case(
        (sa.and_(c.closed_on.is_not(None), c.closed_on < today_), c.closed_on),
        (c.opened_on > today_, c.opened_on),
        else_=today_,
    )
    held = [
        sa.and_(
            among(s.staff_id, now[1][i].staff_ids, dialect)
            if now
            else among_bound(s.staff_id, f"{prefix}_{i}", dialect),
            s.duty.in_(sorted(d.value for d in these)),
        )
        for i, these in enumerate(duties)
    ]
    if not held:
        return sa.false()
    return sa.exists().where(
        s.case_id == c.id,
        sa.or_(*held),
        s.start_on <= day,
        sa.or_(s.end_on.is_(None), s.end_on >= day),
    )


def held_values(
    scopes: Sequence[StaffScope], today: date, dialect: str, prefix: str
) -> dict[str, Any]:
    values: dict[str, Any] = {f"{prefix}_today": today}
    for i, scope in enumerate(scopes):
        values[f"{prefix}_{i}"] = among_value(scope.staff_ids, dialect)
    return values


def person_visible(
    person_id: sa.ColumnElement, visible: PeopleVisibility, dialect: str
) -> sa.ColumnElement[bool]:
    """`person_id` is related to a case one of the scopes matches, or to no case at all. One
    EXISTS per relation, each through its index, so that the filter runs in the statement that
    pages (a page is never short, and nobody's name is read only to be dropped)."""
    return _person_seen(person_id, case_held(visible.scopes, visible.today, dialect))


def person_visible_shape(
    person_id: sa.ColumnElement, duties: tuple[frozenset[StaffDuty], ...], dialect: str
) -> sa.ColumnElement[bool]:
    """`person_visible` for scopes with these duties, its values bound at execution
    (`held_values` with the prefix "visible")."""
    return _person_seen(person_id, held_shape(duties, dialect, "visible"))


def _person_seen(
    person_id: sa.ColumnElement, in_scope: sa.ColumnElement[bool]
) -> sa.ColumnElement[bool]:
    seen = [
        sa.exists().where(column == person_id, column.table.c.case_id == t.cases.c.id, in_scope)
        for column in RELATED_PEOPLE
    ]
    nowhere = sa.and_(*(~sa.exists().where(column == person_id) for column in RELATED_PEOPLE))
    return sa.or_(*seen, nowhere)
