"""People, organizations, staff members and their credentials: rows ↔ domain objects."""

from __future__ import annotations

import functools
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import (
    TRIGRAM,
    among,
    among_bound,
    among_value,
    bound_like,
    by_text,
    fold,
    like_pattern,
)
from adapters.persistence.sql.scopes import held_values, person_visible, person_visible_shape
from adapters.persistence.sql.upsert import upsert
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.credentials import Credentials, LockoutRule
from core.domain.directory.parties import Organization, Person, StaffMember
from core.domain.directory.search import whole_email
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import OrganizationId, PersonId, StaffId
from core.ports.directory import PeopleVisibility, SignedInRecord

EMAIL_TAKEN = "Another staff member already uses this email."
E = TypeVar("E", Person, Organization)
_FIRST_STAFF = 0x48_65_61_72_74_68_00_01  # advisory lock key: "Hearth", first staff member


@functools.cache
def _by_id(table: sa.Table, dialect: str) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """A table's rows by `id`, and by `ids` (`among_value`): built once per table and dialect,
    as people are read by id on most screens."""
    key = table.c.id
    one = sa.select(table).where(key == sa.bindparam("id", type_=key.type))
    return one, sa.select(table).where(among_bound(key, "ids", dialect))


class _Versioned:
    """Shared steps of a table whose rows carry a version number."""

    table: sa.Table
    what: str

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
        self.events: list[DomainEvent] = []  # of the rows added, for the unit of work

    async def _rows(self, where: sa.ColumnElement[bool]) -> list[sa.Row]:
        return list(await self._conn.execute(sa.select(self.table).where(where)))

    async def _insert(self, values: dict[str, Any]) -> None:
        try:
            await self._conn.execute(sa.insert(self.table).values(values))
        except IntegrityError as exc:
            raise InvalidInput(f"This {self.what} exists already.") from exc

    async def _update(self, entity: Any, values: dict[str, Any]) -> None:
        """Write `values` if the stored version is still the one that was read, then bump the
        entity's version as the stored one was."""
        values = {k: v for k, v in values.items() if k not in ("id", "version")}
        result = await self._conn.execute(
            sa.update(self.table)
            .where(self.table.c.id == entity.id, self.table.c.version == entity.version)
            .values(**values, version=self.table.c.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(f"This {self.what}")
        entity.version += 1

    async def _unique(self, write: Awaitable[None], field: str, message: str) -> None:
        """Run `write` (an `_insert` or `_update`) in a savepoint. A concurrent writer that
        committed the same `field` value first makes it fail on the unique constraint: that is
        reported on the field, and the transaction stays usable."""
        try:
            async with self._conn.begin_nested():
                await write
        except InvalidInput as exc:
            if isinstance(exc.__cause__, IntegrityError) and field in str(exc.__cause__):
                raise InvalidInput(message, field=field) from exc
            raise


def person_values(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "legal_name": p.legal_name,
        "preferred_name": p.preferred_name,
        "legal_folded": fold(p.legal_name),
        "preferred_folded": fold(p.preferred_name),
        "pronouns": p.pronouns,
        "date_of_birth": p.date_of_birth,
        "email": p.email,
        "mobile": p.mobile,
        "address": p.address,
        "preferred_channel": p.preferred_channel.value,
        "sms_consent": p.sms_consent,
        "sms_consent_at": p.sms_consent_at,
        "sms_consent_source": p.sms_consent_source,
        "version": p.version,
    }


def person_from(row: Mapping[str, Any]) -> Person:
    return Person.restored(
        id=PersonId(row["id"]),
        legal_name=row["legal_name"],
        preferred_name=row["preferred_name"],
        pronouns=row["pronouns"],
        date_of_birth=row["date_of_birth"],
        email=row["email"],
        mobile=row["mobile"],
        address=row["address"],
        preferred_channel=row["preferred_channel"],
        sms_consent=row["sms_consent"],
        sms_consent_at=row.get("sms_consent_at"),
        sms_consent_source=row.get("sms_consent_source") or "",
        version=row["version"],
    )


class _DirectoryRepository(_Versioned, Generic[E]):
    """A directory table (people, organizations): whole rows by id, and search by name or email
    ordered by the first searched column."""

    searched: tuple[str, ...]  # folded name columns; the first orders the results

    @staticmethod
    def values(entity: E, /) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def entity(row: Mapping[Any, Any], /) -> E:
        raise NotImplementedError

    async def get(self, key: Any) -> E | None:
        by_id = _by_id(self.table, self._dialect)[0]
        rows = list(await self._conn.execute(by_id, {"id": key}))
        return self.entity(rows[0]._mapping) if rows else None

    async def get_many(self, ids: Iterable[Any]) -> dict[Any, E]:
        wanted = set(ids)
        if not wanted:  # e.g. a payer's name, the payer a person: no organization to read
            return {}
        by_ids = _by_id(self.table, self._dialect)[1]
        rows = await self._conn.execute(by_ids, {"ids": among_value(wanted, self._dialect)})
        return {r.id: self.entity(r._mapping) for r in rows}

    async def add(self, entity: E) -> None:
        log = getattr(entity, "events", None)  # people record their registration
        if log is not None:
            self.events += log.pull()
        await self._insert(self.values(entity))

    async def update(self, entity: E) -> None:
        await self._update(entity, self.values(entity))

    async def search(self, text: str, limit: int = 20) -> list[E]:
        return await self._search(text, limit)

    async def _search(
        self, text: str, limit: int, visible: PeopleVisibility | None = None
    ) -> list[E]:
        """`search`, narrowed to the people `visible` lets see in the same statement."""
        needle = fold(text.strip())
        address = whole_email(text) if needle else None
        query = _search_statement(
            self.table,
            self.searched,
            self._dialect,
            None if visible is None else tuple(s.duties for s in visible.scopes),
            needle=bool(needle),
            email=address is not None,
            trigram=len(needle) >= TRIGRAM,
        )
        bound: dict[str, Any] = {"limit": limit}
        if needle:
            bound["needle"] = like_pattern(needle)
        if address is not None:
            bound["email"] = address
        if visible is not None:
            bound |= held_values(visible.scopes, visible.today, self._dialect, "visible")
        rows = await self._conn.execute(query, bound)
        return [self.entity(r._mapping) for r in rows]


@functools.cache
def _search_statement(
    table: sa.Table,
    searched: tuple[str, ...],
    dialect: str,
    visible: tuple[frozenset[StaffDuty], ...] | None,
    *,
    needle: bool,
    email: bool,
    trigram: bool,
) -> sa.Select[Any]:
    """A directory search's statement for one shape (bound: limit; needle, a `like_pattern`;
    email; the visibility scopes' `held_values`), built once: building it and its cache key
    was a fifth of the people list's CPU."""
    also = [] if visible is None else [person_visible_shape(table.c.id, visible, dialect)]
    source: sa.FromClause = sa.select(table).where(*also).subquery() if also else table
    if needle:  # (every row holds the empty text: the first rows in name order)
        # Each column as indexed (a trigram index on PostgreSQL, migration 0006, which also
        # answers equality), so the OR is a union of index scans. An email matches only
        # whole (core.domain.directory.search); a NULL email matches nothing.
        c = table.c
        pattern = sa.bindparam("needle", type_=sa.String)
        found = [bound_like(c[name], pattern) for name in searched]
        if email:
            found.append(c.email == sa.bindparam("email", type_=c.email.type))
        matching = sa.select(table).where(sa.or_(*found), *also)
        source = matching.subquery()
        if dialect == "postgresql" and trigram:
            # The matches first, then their order: a prepared statement's generic plan would
            # otherwise walk the name index filtering every row (300 ms at 40,000 people,
            # against 0.2 ms) for a needle it cannot see. Under three characters the trigram
            # index has nothing to look up, and that walk is the better plan.
            source = matching.cte("matching").prefix_with("MATERIALIZED")
    s = source.c
    return (
        sa.select(source)
        .order_by(by_text(s[searched[0]], dialect), s.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


@functools.cache
def _names_by_id(dialect: str) -> sa.Select[Any]:
    p = t.people.c
    return sa.select(p.id, p.legal_name, p.preferred_name).where(among_bound(p.id, "ids", dialect))


class SqlPersonRepository(_DirectoryRepository[Person]):
    table = t.people
    what = "person"
    searched = ("legal_folded", "preferred_folded")
    values = staticmethod(person_values)
    entity = staticmethod(person_from)

    async def display_names(self, ids: Iterable[PersonId]) -> dict[PersonId, str]:
        wanted = set(ids)
        if not wanted:
            return {}
        bound = {"ids": among_value(wanted, self._dialect)}
        rows = await self._conn.execute(_names_by_id(self._dialect), bound)
        # As `Person.display_name`: the preferred name, else the legal one.
        return {PersonId(i): preferred or legal for i, legal, preferred in rows.tuples()}

    async def with_mobile(self, mobile: str) -> list[Person]:
        query = sa.select(self.table).where(self.table.c.mobile == mobile).order_by(self.table.c.id)
        return [self.entity(dict(r._mapping)) for r in await self._conn.execute(query)]

    async def search(
        self, text: str, limit: int = 20, visible: PeopleVisibility | None = None
    ) -> list[Person]:
        return await self._search(text, limit, visible)

    async def visible_among(
        self, ids: Iterable[PersonId], visible: PeopleVisibility
    ) -> frozenset[PersonId]:
        # Sent even for no ids: a duplicate check costs the same whether anything matched.
        wanted = set(ids)
        p = t.people.c
        query = sa.select(p.id).where(
            among(p.id, wanted, self._dialect), person_visible(p.id, visible, self._dialect)
        )
        return frozenset(PersonId(r.id) for r in await self._conn.execute(query))

    async def with_details(
        self, email: str | None, mobile: str | None, legal_name: str, date_of_birth: date | None
    ) -> list[PersonId]:
        p = t.people.c
        same: list[sa.ColumnElement[bool]] = []
        if email:
            same.append(p.email == email)  # both as `clean_email` leaves them
        if mobile:
            same.append(p.mobile == mobile)
        if legal_name.strip() and date_of_birth is not None:
            same.append(
                sa.and_(
                    p.legal_folded == fold(legal_name.strip()), p.date_of_birth == date_of_birth
                )
            )
        if not same:
            return []
        rows = await self._conn.execute(sa.select(p.id).where(sa.or_(*same)).order_by(p.id))
        return [PersonId(r.id) for r in rows]


def organization_values(o: Organization) -> dict[str, Any]:
    return {
        "id": o.id,
        "name": o.name,
        "name_folded": fold(o.name),
        "email": o.email,
        "phone": o.phone,
        "address": o.address,
        "contact_person": o.contact_person,
        "version": o.version,
    }


def organization_from(row: Mapping[str, Any]) -> Organization:
    return Organization.restored(
        id=OrganizationId(row["id"]),
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        address=row["address"],
        contact_person=row["contact_person"],
        version=row["version"],
    )


class SqlOrganizationRepository(_DirectoryRepository[Organization]):
    table = t.organizations
    what = "organization"
    searched = ("name_folded",)
    values = staticmethod(organization_values)
    entity = staticmethod(organization_from)


def staff_values(s: StaffMember) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "email": s.email,
        "licensure": s.licensure.value,
        "supervisor_id": s.supervisor_id,
        "active": s.active,
        "version": s.version,
    }


def directory_version() -> sa.ScalarSelect[Any]:
    """The staff directory's version: how many changes its rows have seen. Adding a member
    adds one row (version 0), every change goes through `_update`, which bumps the row's
    version (roles and supports are written with it), so the sum grows by one with each
    change, committed in the same transaction as the change itself."""
    return sa.select(sa.func.coalesce(sa.func.sum(t.staff.c.version + 1), 0)).scalar_subquery()


@functools.cache
def _signed_in_statement() -> sa.CompoundSelect:
    """One statement of four parts, each row tagged with what it holds: the member with their
    password generation and the directory version, their roles, whom they support, whom they
    supervise. The first part's columns type the rest. Built once, the staff id bound at
    execution: it runs on every signed-in request, and building it (and its cache key) each
    time cost more CPU than running it."""
    s, c = t.staff.c, t.credentials.c
    staff_id = sa.bindparam("staff_id", type_=s.id.type)
    nothing = [sa.null()] * 6

    def part(kind: str, ref: Any, text: Any, where: sa.ColumnElement[bool]) -> sa.Select:
        return sa.select(sa.literal_column(f"'{kind}'"), ref, text, *nothing).where(where)

    head = (
        sa.select(
            sa.literal_column("'staff'").label("kind"),
            s.supervisor_id.label("ref"),
            s.name.label("text"),
            s.email,
            s.licensure,
            s.active,
            s.version,
            c.generation,
            directory_version().label("directory_version"),
        )
        .select_from(t.staff.outerjoin(t.credentials, c.staff_id == s.id))
        .where(s.id == staff_id)
    )
    r, u = t.staff_roles.c, t.staff_supports.c
    return sa.union_all(
        head,
        part("role", sa.null(), r.role, r.staff_id == staff_id),
        part("supports", u.supported_id, sa.null(), u.staff_id == staff_id),
        part("supervises", s.id, sa.null(), s.supervisor_id == staff_id),
    )


@dataclass(eq=False)
class _StaffCache:
    """The whole staff directory as of `version` (None: not loaded, or a change is on its way),
    kept per process and per database: read models print staff names on nearly every screen,
    and rebuilding two hundred members for each cost a quarter of a case page's time."""

    version: int | None = None
    members: list[StaffMember] = field(default_factory=list)


_caches: weakref.WeakKeyDictionary[sa.Engine, _StaffCache] = weakref.WeakKeyDictionary()
# The directory version read with the signed-in staff member at the start of this request (a
# task, and the tasks it starts): within it the cache at that version or later is current, so
# listing the staff costs no statement. Elsewhere (the command line, a script) `list_all` asks
# for the version itself, one small statement instead of three and two hundred members.
_seen: ContextVar[tuple[_StaffCache, int] | None] = ContextVar("hearth_staff_seen", default=None)


class SqlStaffRepository(_Versioned):
    """Staff rows with their roles and supported clinicians (two small child tables).
    Every read is three queries, whatever the number of staff; `list_all` is served from the
    process's cache while the directory's version has not moved (see `_StaffCache`)."""

    table = t.staff
    what = "staff member"

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn)
        cache = _caches.get(conn.sync_engine)
        if cache is None:
            cache = _caches[conn.sync_engine] = _StaffCache()
        self._cache = cache
        self._wrote = False  # by this unit of work: then it reads its own rows, not the cache

    def _changing(self) -> None:
        """Before writing a staff row: the cache and this request's version are out of date
        from here on (for everyone once this commits; the version read next says so)."""
        self._wrote = True
        self._cache.version = None
        _seen.set(None)

    async def _load(self, where: sa.ColumnElement[bool] | None = None) -> list[StaffMember]:
        query = sa.select(t.staff).order_by(by_text(t.staff.c.name, self._dialect), t.staff.c.id)
        if where is not None:
            query = query.where(where)
        rows = list(await self._conn.execute(query))
        if not rows:
            return []
        chosen = sa.select(t.staff.c.id)
        if where is not None:
            chosen = chosen.where(where)
        roles: dict[Any, set[str]] = defaultdict(set)
        for staff_id, role in await self._conn.execute(
            sa.select(t.staff_roles.c.staff_id, t.staff_roles.c.role).where(
                t.staff_roles.c.staff_id.in_(chosen.scalar_subquery())
            )
        ):
            roles[staff_id].add(role)
        supports: dict[Any, set[StaffId]] = defaultdict(set)
        for staff_id, supported in await self._conn.execute(
            sa.select(t.staff_supports.c.staff_id, t.staff_supports.c.supported_id).where(
                t.staff_supports.c.staff_id.in_(chosen.scalar_subquery())
            )
        ):
            supports[staff_id].add(StaffId(supported))
        return [
            StaffMember.restored(
                id=StaffId(r.id),
                name=r.name,
                email=r.email,
                roles=frozenset(roles[r.id]),
                licensure=r.licensure,
                supervisor_id=r.supervisor_id,
                supports=frozenset(supports[r.id]),
                active=r.active,
                version=r.version,
            )
            for r in rows
        ]

    async def get(self, staff_id: StaffId) -> StaffMember | None:
        found = await self._load(t.staff.c.id == staff_id)
        return found[0] if found else None

    async def get_many(self, ids: Iterable[StaffId]) -> dict[StaffId, StaffMember]:
        wanted = set(ids)
        if not wanted:
            return {}
        return {s.id: s for s in await self._load(among(t.staff.c.id, wanted, self._dialect))}

    async def by_email(self, email: str) -> StaffMember | None:
        found = await self._load(t.staff.c.email == email.strip().lower())
        return found[0] if found else None

    async def list_all(self) -> list[StaffMember]:
        cache = self._cache
        if self._wrote:
            return await self._load()
        seen = _seen.get()
        if seen is not None and seen[0] is cache:
            version = seen[1]
        else:
            version = (await self._conn.execute(sa.select(directory_version()))).scalar_one()
        if cache.version is None or cache.version < version:
            # Read after the version: the members are at least as new as the tag they get.
            members = await self._load()
            if cache.version is None or cache.version < version:
                cache.members, cache.version = members, version
            return list(members)
        return list(cache.members)

    async def signed_in(self, staff_id: StaffId) -> SignedInRecord | None:
        rows = list(await self._conn.execute(_signed_in_statement(), {"staff_id": staff_id}))
        first = next((row for row in rows if row.kind == "staff"), None)
        if first is None:
            return None
        staff = StaffMember.restored(
            id=staff_id,
            name=first.text,
            email=first.email,
            roles=frozenset(row.text for row in rows if row.kind == "role"),
            licensure=first.licensure,
            supervisor_id=first.ref,
            supports=frozenset(StaffId(row.ref) for row in rows if row.kind == "supports"),
            active=first.active,
            version=first.version,
        )
        version = int(first.directory_version)
        _seen.set((self._cache, version))
        return SignedInRecord(
            staff=staff,
            supervisees=frozenset(StaffId(row.ref) for row in rows if row.kind == "supervises"),
            generation=first.generation,
            directory_version=version,
        )

    async def supervisees_of(self, staff_id: StaffId) -> frozenset[StaffId]:
        rows = await self._conn.execute(
            sa.select(t.staff.c.id).where(t.staff.c.supervisor_id == staff_id)
        )
        return frozenset(StaffId(r.id) for r in rows)

    async def count(self) -> int:
        return (
            await self._conn.execute(sa.select(sa.func.count()).select_from(t.staff))
        ).scalar_one()

    async def add(self, staff: StaffMember) -> None:
        if await self.by_email(staff.email) is not None:
            raise InvalidInput(EMAIL_TAKEN, field="email")
        self._changing()
        await self._unique(self._insert(staff_values(staff)), "email", EMAIL_TAKEN)
        await self._write_children(staff)

    async def add_first(self, staff: StaffMember) -> bool:
        # Take turns with any other first-owner setup until commit: on PostgreSQL by a
        # transaction-level advisory lock; on SQLite the savepoint is the transaction's first
        # write, so it waits for the one writer lock and the count sees every commit.
        async with self._conn.begin_nested() as savepoint:
            if self._dialect == "postgresql":
                await self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_FIRST_STAFF)))
            if await self.count() > 0:
                await savepoint.rollback()
                return False
        await self.add(staff)
        return True

    async def update(self, staff: StaffMember) -> None:
        other = await self.by_email(staff.email)
        if other is not None and other.id != staff.id:
            raise InvalidInput(EMAIL_TAKEN, field="email")
        self._changing()
        await self._unique(self._update(staff, staff_values(staff)), "email", EMAIL_TAKEN)
        await self._conn.execute(
            sa.delete(t.staff_roles).where(t.staff_roles.c.staff_id == staff.id)
        )
        await self._conn.execute(
            sa.delete(t.staff_supports).where(t.staff_supports.c.staff_id == staff.id)
        )
        await self._write_children(staff)

    async def _write_children(self, staff: StaffMember) -> None:
        await self._conn.execute(
            sa.insert(t.staff_roles),
            [{"staff_id": staff.id, "role": r.value} for r in sorted(staff.roles)],
        )
        if staff.supports:
            await self._conn.execute(
                sa.insert(t.staff_supports),
                [{"staff_id": staff.id, "supported_id": s} for s in sorted(staff.supports)],
            )


def _credentials(row: sa.Row | None) -> Credentials | None:
    if row is None:
        return None
    return Credentials(
        staff_id=StaffId(row.staff_id),
        password_hash=row.password_hash,
        failed_attempts=row.failed_attempts,
        locked_until=row.locked_until,
        generation=row.generation,
    )


class SqlCredentialRepository:
    """Each change is one UPDATE (or upsert) computed by the database from the row as it is,
    so concurrent sign-ins count every attempt and a rehash never undoes a new password."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _where(self, staff_id: StaffId) -> sa.ColumnElement[bool]:
        return t.credentials.c.staff_id == staff_id

    async def get(self, staff_id: StaffId) -> Credentials | None:
        query = sa.select(t.credentials).where(self._where(staff_id))
        return _credentials((await self._conn.execute(query)).first())

    async def set_password(self, staff_id: StaffId, password_hash: str) -> int:
        c = t.credentials.c
        statement = upsert(
            self._conn.dialect.name,
            t.credentials,
            {"staff_id": staff_id, "password_hash": password_hash, "generation": 1},
            key=["staff_id"],
            changes=lambda new: {
                "password_hash": new.password_hash,
                "failed_attempts": 0,
                "locked_until": None,
                "generation": c.generation + 1,
            },
        ).returning(c.generation)
        return (await self._conn.execute(statement)).scalar_one()

    async def claim_attempt(
        self, staff_id: StaffId, now: datetime, rule: LockoutRule
    ) -> Credentials | None:
        # `Credentials.claim_attempt` in one statement: the row lock orders concurrent claims.
        c = t.credentials.c
        locks = c.failed_attempts + 1 >= rule.max_attempts
        statement = (
            sa.update(t.credentials)
            .where(self._where(staff_id), sa.or_(c.locked_until.is_(None), c.locked_until <= now))
            .values(
                failed_attempts=sa.case((locks, 0), else_=c.failed_attempts + 1),
                # Typed as the column, so SQLite stores the instant in UTC like any other.
                locked_until=sa.case(
                    (locks, sa.literal(rule.locked_until(now), c.locked_until.type)),
                    else_=c.locked_until,
                ),
            )
            .returning(*t.credentials.c)
        )
        return _credentials((await self._conn.execute(statement)).first())

    async def record_success(self, staff_id: StaffId) -> None:
        await self._conn.execute(
            sa.update(t.credentials)
            .where(self._where(staff_id))
            .values(failed_attempts=0, locked_until=None)
        )

    async def end_sessions(self, staff_id: StaffId) -> int:
        c = t.credentials.c
        statement = (
            sa.update(t.credentials)
            .where(self._where(staff_id))
            .values(generation=c.generation + 1)
            .returning(c.generation)
        )
        return (await self._conn.execute(statement)).scalar_one_or_none() or 0

    async def rehash(self, staff_id: StaffId, old_hash: str, new_hash: str) -> bool:
        result = await self._conn.execute(
            sa.update(t.credentials)
            .where(self._where(staff_id), t.credentials.c.password_hash == old_hash)
            .values(password_hash=new_hash)
        )
        return result.rowcount == 1
