"""The case aggregate in nine tables: the case row and one table for each list it holds.

Loading any number of cases is two statements on PostgreSQL (the case rows, then every child
table's rows for all of them at once: `child_rows.py`) and seven on SQLite (one per child
table). Writing checks the case's version first (`UPDATE ... WHERE version = :read`), so of
two concurrent changes one wins and the other gets `ConcurrencyConflict`; the child rows are then
brought in line with the aggregate in the same transaction, touching only rows that changed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.child_rows import child_rows
from adapters.persistence.sql.expressions import (
    among,
    among_bound,
    among_value,
    bound_like,
    by_text,
    fold,
    like_pattern,
    stored,
)
from adapters.persistence.sql.scopes import RELATED_PEOPLE, held_shape, held_values
from core.domain.cases.case import Case, CaseStatus, EnteredInError, Membership
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.listing import CaseListing
from core.domain.cases.responsibilities import (
    BillingResponsibility,
    CommunicationPreference,
    HelperKind,
    HelperRole,
    PayerKind,
    PayerRef,
    StaffAssignment,
    StaffDuty,
)
from core.domain.directory.parties import Channel
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, OrganizationId, Period, PersonId, StaffId
from core.ports import CaseListQuery

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Child:
    """One list of the aggregate: its table, the key of a row, and the mapping both ways."""

    attr: str
    table: sa.Table
    key: str
    to_rows: Callable[[Case], list[Row]]
    from_row: Callable[[Row], Any]


def _period(row: Row) -> Period:
    return Period(row["start_on"], row["end_on"])


def _dated(case: Case, position: int, item: Any, **values: Any) -> Row:
    return {
        "id": item.id,
        "case_id": case.id,
        "position": position,
        "start_on": item.period.start,
        "end_on": item.period.end,
        **values,
    }


def _billing_row(case: Case, i: int, b: BillingResponsibility) -> Row:
    person = b.payer.kind is PayerKind.PERSON
    return _dated(
        case,
        i,
        b,
        payer_person_id=b.payer.id if person else None,
        payer_organization_id=None if person else b.payer.id,
        covers_id=b.covers,
        share_percent=b.share_percent,
    )


def _billing_from(r: Row) -> BillingResponsibility:
    payer = (
        PayerRef.person(PersonId(r["payer_person_id"]))
        if r["payer_person_id"] is not None
        else PayerRef.organization(OrganizationId(r["payer_organization_id"]))
    )
    return BillingResponsibility(
        id=r["id"],
        payer=payer,
        covers=r["covers_id"],
        period=_period(r),
        share_percent=r["share_percent"],
    )


_COMMUNICATION_FLAGS = ("reminders", "invoices", "clinical_messages", "portal_access")
_ROLE, _DUTY, _HELPER = stored(MemberRole), stored(StaffDuty), stored(HelperKind)
_CHANNEL = stored(Channel)

# Each dated list of the aggregate: its table, an item as a row, a row as an item.
_ITEMS: dict[str, tuple[sa.Table, Callable[[Case, int, Any], Row], Callable[[Row], Any]]] = {
    "memberships": (
        t.case_memberships,
        lambda c, i, m: _dated(c, i, m, person_id=m.person_id, role=m.role.value),
        lambda r: Membership(r["id"], PersonId(r["person_id"]), _ROLE(r["role"]), _period(r)),
    ),
    "staff": (
        t.case_staff,
        lambda c, i, a: _dated(c, i, a, staff_id=a.staff_id, duty=a.duty.value),
        lambda r: StaffAssignment(r["id"], StaffId(r["staff_id"]), _DUTY(r["duty"]), _period(r)),
    ),
    "billing": (t.case_billing, _billing_row, _billing_from),
    "helpers": (
        t.case_helpers,
        lambda c, i, h: _dated(
            c, i, h, helper_id=h.helper_id, for_person_id=h.for_person_id, kind=h.kind.value
        ),
        lambda r: HelperRole(
            r["id"],
            PersonId(r["helper_id"]),
            PersonId(r["for_person_id"]),
            _HELPER(r["kind"]),
            _period(r),
        ),
    ),
}

# The columns of the entered-in-error table that any list's row may fill.
_ERROR_ITEM_COLUMNS = [
    c.name
    for c in t.case_entered_in_error.c
    if c.name not in ("list_name", "reason", "marked_by", "marked_at")
]


def _error_rows(case: Case) -> list[Row]:
    rows = []
    for i, e in enumerate(case.entered_in_error):
        item = _ITEMS[e.kind][1](case, i, e.item)
        rows.append(
            {name: item.get(name) for name in _ERROR_ITEM_COLUMNS}
            | {"list_name": e.kind, "reason": e.reason, "marked_by": e.by, "marked_at": e.at}
        )
    return rows


def _error_from(r: Row) -> EnteredInError:
    item = _ITEMS[r["list_name"]][2](r)
    return EnteredInError(item=item, reason=r["reason"], by=r["marked_by"], at=r["marked_at"])


def _list(attr: str) -> _Child:
    table, to_row, from_row = _ITEMS[attr]
    return _Child(
        attr,
        table,
        "id",
        lambda c: [to_row(c, i, x) for i, x in enumerate(getattr(c, attr))],
        from_row,
    )


CHILDREN: tuple[_Child, ...] = (
    *(_list(attr) for attr in _ITEMS),
    _Child(
        "communication",
        t.case_communication,
        "person_id",
        lambda c: [
            {
                "case_id": c.id,
                "person_id": p.person_id,
                "channel": p.channel.value,
                **{flag: getattr(p, flag) for flag in _COMMUNICATION_FLAGS},
            }
            for p in c.communication.values()
        ],
        lambda r: CommunicationPreference(
            person_id=PersonId(r["person_id"]),
            channel=_CHANNEL(r["channel"]),
            **{flag: r[flag] for flag in _COMMUNICATION_FLAGS},
        ),
    ),
    _Child("entered_in_error", t.case_entered_in_error, "id", _error_rows, _error_from),
)


_TABLES = tuple(child.table for child in CHILDREN)


@functools.cache
def _list_statement(
    dialect: str,
    visible: tuple[frozenset[StaffDuty], ...] | None,
    held: frozenset[StaffDuty] | None,
    *,
    kind: bool,
    status: bool,
    open_only: bool,
    named: bool,
) -> sa.Select[Any]:
    """The case list's ordered rows for one shape of filter, built once, its values bound at
    execution (building the scopes' EXISTS and its cache key was a tenth of the list's CPU)."""
    c = t.cases.c
    where: list[sa.ColumnElement[bool]] = []
    if visible is not None:
        where.append(held_shape(visible, dialect, "visible"))
    if held is not None:
        where.append(held_shape((held,), dialect, "held"))
    if kind:
        where.append(c.kind == sa.bindparam("kind", type_=c.kind.type))
    if status:
        where.append(c.status == sa.bindparam("status", type_=c.status.type))
    if open_only:
        where.append(c.status != CaseStatus.CLOSED.value)
    if named:
        where.append(c.id.in_(_named()))
    return (
        sa.select(c.id, c.kind, c.name, c.status, c.opened_on, c.closed_on)
        .where(*where)
        .order_by(by_text(c.name_folded, dialect), c.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def _named() -> sa.CompoundSelect:
    """Ids of the cases whose name, or a member's legal or preferred name, holds the bound
    `needle` (a `like_pattern`): a UNION of the two, each read through its own trigram index on
    PostgreSQL (an `OR id IN (...)` would read every case instead)."""
    c, m, p = t.cases.c, t.case_memberships.c, t.people.c
    needle = sa.bindparam("needle", type_=sa.String)
    members = (
        sa.select(m.case_id)
        .join(t.people, p.id == m.person_id)
        .where(sa.or_(bound_like(p.legal_folded, needle), bound_like(p.preferred_folded, needle)))
    )
    return sa.union(sa.select(c.id).where(bound_like(c.name_folded, needle)), members)


@functools.cache
def _listed_children(dialect: str) -> sa.CompoundSelect:
    """The staff and the memberships of the cases bound as `ids`, in one statement of plain
    typed columns (tag 0: staff, 1: members), each in list order: the list's light read
    (`CaseListing`) needs no other child table and no other column."""
    s, m = t.case_staff.c, t.case_memberships.c
    return sa.union_all(
        sa.select(
            sa.literal(0).label("tag"),
            s.case_id,
            s.id,
            s.staff_id,
            s.duty,
            s.start_on,
            s.end_on,
            s.position,
        ).where(among_bound(s.case_id, "ids", dialect)),
        sa.select(
            sa.literal(1),
            m.case_id,
            m.id,
            m.person_id,
            m.role,
            m.start_on,
            m.end_on,
            m.position,
        ).where(among_bound(m.case_id, "ids", dialect)),
    ).order_by("tag", "position")


_KIND, _STATUS = stored(CaseKind), stored(CaseStatus)


def _case_values(case: Case) -> Row:
    return {
        "id": case.id,
        "kind": case.kind.value,
        "name": case.name,
        "name_folded": fold(case.name),
        "status": case.status.value,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "capacity": case.capacity,
        "usual_service_id": case.usual_service_id,
        "identified_client_id": case.identified_client_id,
        "version": case.version,
    }


@functools.cache
def _case_queries(dialect: str) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The case rows by `case_id`, and by `ids` (`among_value`), built once per dialect."""
    c = t.cases.c
    one = sa.select(t.cases).where(c.id == sa.bindparam("case_id", type_=c.id.type))
    return one, sa.select(t.cases).where(among_bound(c.id, "ids", dialect))


class SqlCaseRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
        self.events: list[DomainEvent] = []  # of the cases stored, for the unit of work
        # The child rows as last read or written in this unit of work, to write only changes.
        self._seen: dict[CaseId, dict[str, dict[Any, Row]]] = {}

    # ----- reading -------------------------------------------------------------------------------

    async def get(self, case_id: CaseId) -> Case | None:
        found = await self._load(_case_queries(self._dialect)[0], {"case_id": case_id})
        return found[0] if found else None

    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]:
        ids = set(ids)
        if not ids:
            return []
        wanted = {"ids": among_value(ids, self._dialect)}
        return await self._load(_case_queries(self._dialect)[1], wanted)

    async def _load(self, query: sa.Select[Any], bound: dict[str, Any]) -> list[Case]:
        rows = [r._mapping for r in await self._conn.execute(query, bound)]
        if not rows:
            return []
        # The children are asked for by the same ids whatever their number (one parameter).
        wanted = {"ids": among_value([r["id"] for r in rows], self._dialect)}
        found = await child_rows(self._conn, _TABLES, wanted)
        children = {child.attr: rows for child, rows in zip(CHILDREN, found, strict=True)}
        return [self._assemble(dict(r), children) for r in rows]

    def _assemble(self, row: Row, children: dict[str, dict[Any, list[Row]]]) -> Case:
        case_id = CaseId(row["id"])
        case = Case(
            id=case_id,
            kind=row["kind"],
            name=row["name"],
            opened_on=row["opened_on"],
            status=row["status"],
            closed_on=row["closed_on"],
            capacity=row["capacity"],
            usual_service_id=row["usual_service_id"],
            identified_client_id=row["identified_client_id"],
            version=row["version"],
        )
        seen: dict[str, dict[Any, Row]] = {}
        for child in CHILDREN:
            rows = children[child.attr].get(case_id, [])
            items = [child.from_row(r) for r in rows]
            if child.attr == "communication":
                case.communication = {p.person_id: p for p in items}
            else:
                setattr(case, child.attr, items)
            # The rows as read are the rows as the aggregate would write them (`to_rows`):
            # kept as they are, not built again from the aggregate for every case loaded.
            seen[child.attr] = {r[child.key]: r for r in rows}
        self._seen[case_id] = seen
        return case

    def _remember(self, case: Case) -> None:
        self._seen[case.id] = {
            child.attr: {r[child.key]: r for r in child.to_rows(case)} for child in CHILDREN
        }

    # ----- writing -------------------------------------------------------------------------------

    async def add(self, case: Case) -> None:
        self.events += case.events.pull()
        try:
            await self._conn.execute(sa.insert(t.cases).values(_case_values(case)))
        except IntegrityError as exc:
            raise InvalidInput("This case exists already.") from exc
        for child in CHILDREN:
            rows = child.to_rows(case)
            if rows:
                await self._conn.execute(sa.insert(child.table), rows)
        self._remember(case)

    async def update(self, case: Case) -> None:
        self.events += case.events.pull()
        values = {k: v for k, v in _case_values(case).items() if k not in ("id", "version")}
        result = await self._conn.execute(
            sa.update(t.cases)
            .where(t.cases.c.id == case.id, t.cases.c.version == case.version)
            .values(**values, version=t.cases.c.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This case")
        # The version row is ours until commit: nobody else changes these children meanwhile.
        seen = self._seen.get(case.id)
        for child in CHILDREN:
            before = seen[child.attr] if seen is not None else None
            await self._sync_child(case, child, before)
        case.version += 1
        self._remember(case)

    async def _sync_child(self, case: Case, child: _Child, before: dict[Any, Row] | None) -> None:
        table = child.table
        after = {r[child.key]: r for r in child.to_rows(case)}
        mine = table.c.case_id == case.id
        if before is None:  # not read in this unit of work: replace every row
            await self._conn.execute(sa.delete(table).where(mine))
            changed = list(after)
        else:
            gone = [k for k in before if k not in after]
            changed = [k for k, r in after.items() if before.get(k) != r]
            stale = gone + [k for k in changed if k in before]
            if stale:
                await self._conn.execute(
                    sa.delete(table).where(mine, table.c[child.key].in_(stale))
                )
        if changed:
            await self._conn.execute(sa.insert(table), [after[k] for k in changed])

    # ----- finding ------------------------------------------------------------------------------

    async def _ids(self, query: sa.Select) -> list[CaseId]:
        return sorted(CaseId(r[0]) for r in await self._conn.execute(query))

    async def ids_for_person(self, person_id: PersonId) -> list[CaseId]:
        return (await self.ids_for_people([person_id]))[person_id]

    async def ids_for_people(self, person_ids: Iterable[PersonId]) -> dict[PersonId, list[CaseId]]:
        found: dict[PersonId, list[CaseId]] = {p: [] for p in person_ids}
        if not found:
            return found
        # Each way a person relates to a case, through its indexed column, in one statement.
        related = sa.union(
            *(
                sa.select(column.label("person_id"), column.table.c.case_id).where(
                    among(column, found, self._dialect)
                )
                for column in RELATED_PEOPLE
            )
        )
        for person_id, case_id in await self._conn.execute(related):
            found[PersonId(person_id)].append(CaseId(case_id))
        for ids in found.values():
            ids.sort()
        return found

    async def ids_for_organization(self, organization_id: OrganizationId) -> list[CaseId]:
        b = t.case_billing.c
        return await self._ids(
            sa.select(b.case_id).where(b.payer_organization_id == organization_id).distinct()
        )

    async def ids_for_staff(
        self, staff_ids: Iterable[StaffId], on: date | None = None
    ) -> list[CaseId]:
        s = t.case_staff.c
        query = sa.select(s.case_id).where(among(s.staff_id, set(staff_ids), self._dialect))
        if on is not None:
            query = query.where(s.start_on <= on, sa.or_(s.end_on.is_(None), s.end_on >= on))
        return await self._ids(query.distinct())

    async def list_page(self, query: CaseListQuery) -> tuple[list[CaseListing], int]:
        needle = fold(query.text.strip())
        visible = query.visible_to
        held = query.held_by
        # The rows in order up to the count's cap, in one statement: the page is a slice of
        # them and the total their number (capped: see CaseListQuery.count_limit).
        ordered = _list_statement(
            self._dialect,
            None if visible is None else tuple(scope.duties for scope in visible),
            None if held is None else held.duties,
            kind=query.kind is not None,
            status=query.status is not None,
            open_only=query.open_only,
            named=bool(needle),
        )
        bound: dict[str, Any] = {"limit": query.count_limit}
        if visible is not None:
            bound |= held_values(visible, query.today, self._dialect, "visible")
        if held is not None:
            bound |= held_values([held], query.today, self._dialect, "held")
        if query.kind is not None:
            bound["kind"] = query.kind.value
        if query.status is not None:
            bound["status"] = query.status.value
        if needle:
            bound["needle"] = like_pattern(needle)
        rows = (await self._conn.execute(ordered, bound)).all()
        page = rows[query.offset : query.offset + query.limit]
        if not page:
            return [], len(rows)
        # Only the staff and the members: what the list shows and what access is decided by.
        wanted = {"ids": among_value([r.id for r in page], self._dialect)}
        staff: dict[Any, list[StaffAssignment]] = defaultdict(list)
        members: dict[Any, list[Membership]] = defaultdict(list)
        for tag, case_id, item_id, who, what, start, end, _ in (
            await self._conn.execute(_listed_children(self._dialect), wanted)
        ).tuples():
            if tag == 0:
                staff[case_id].append(
                    StaffAssignment(item_id, StaffId(who), _DUTY(what), Period(start, end))
                )
            else:
                members[case_id].append(
                    Membership(item_id, PersonId(who), _ROLE(what), Period(start, end))
                )
        listings = [
            CaseListing(
                id=CaseId(r.id),
                kind=_KIND(r.kind),
                name=r.name,
                status=_STATUS(r.status),
                opened_on=r.opened_on,
                closed_on=r.closed_on,
                staff=tuple(staff.get(r.id, ())),
                memberships=tuple(members.get(r.id, ())),
            )
            for r in page
        ]
        return listings, len(rows)
