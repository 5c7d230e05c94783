"""SQL stores of notes. A signed note's content is written once: the database's trigger
(migration 0013) refuses any later change of it, which this store reports as the domain's
`InvariantViolation`. Search and "needs attention" are one statement each, with the access
policy inside the statement (`case_held`), never filtered afterwards."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.expressions import among
from adapters.persistence.sql.scopes import case_held
from adapters.persistence.sql.tables.notes import FTS_CONFIG, in_review
from adapters.persistence.sql.tables.scheduling import held_unsigned
from core.domain.cases.responsibilities import StaffDuty
from core.domain.documentation.notes import (
    Addendum,
    EnteredInError,
    Note,
    NoteKind,
    NoteStatus,
    PrivateSection,
    Return,
    Section,
)
from core.domain.documentation.psychotherapy_notes import PsychotherapyNote
from core.domain.documentation.signatures import Signature, SignatureRole
from core.domain.documentation.templates import NoteTemplate, SectionSpec
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput, InvariantViolation
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.notes import (
    CaseOpenCounts,
    ClinicianTotals,
    NoteHit,
    NoteScope,
    NoteState,
    SessionRow,
)

_n, _a, _s = t.notes.c, t.note_addenda.c, t.note_search.c
_DRAFT = NoteStatus.DRAFT.value
# The duties of a case's clinicians (as for plans due for review).
_TREATING = [StaffDuty.RESPONSIBLE_PROVIDER.value, StaffDuty.CO_THERAPIST.value]


def _is(column: sa.ColumnElement[str], value: str) -> sa.ColumnElement[bool]:
    """`column = 'value'` with the value in the statement, not a parameter: a prepared
    statement's generic plan then still knows how selective it is (a status is a constant
    of the code, never input)."""
    return column == sa.literal_column(f"'{value}'")


def _content(note: Note) -> str:
    return json.dumps(
        {
            "sections": [[s.title, s.hint, s.text] for s in note.sections],
            "private": [[str(p.person_id), p.absent, p.text] for p in note.private],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _signature(row: Any, prefix: str, role: SignatureRole) -> Signature | None:
    by = getattr(row, f"{prefix}_by")
    if by is None:
        return None
    return Signature(
        role,
        StaffId(by),
        getattr(row, f"{prefix}_at"),
        getattr(row, f"{prefix}_sha256"),
        getattr(row, f"{prefix}_addenda"),
    )


def _signature_values(signature: Signature | None, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}_by": signature.by if signature else None,
        f"{prefix}_at": signature.at if signature else None,
        f"{prefix}_sha256": signature.sha256 if signature else None,
        f"{prefix}_addenda": signature.addenda if signature else None,
    }


def _note(row: Any, addenda: list[Addendum]) -> Note:
    content = json.loads(row.content)
    return Note(
        id=row.id,
        case_id=CaseId(row.case_id),
        appointment_id=row.appointment_id,
        author_id=StaffId(row.author_id),
        kind=NoteKind(row.kind),
        template_name=row.template_name,
        sections=tuple(Section(title, hint, text) for title, hint, text in content["sections"]),
        private=tuple(
            PrivateSection(PersonId(UUID(pid)), text, absent)
            for pid, absent, text in content["private"]
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
        status=NoteStatus(row.status),
        supervisor_id=StaffId(row.supervisor_id) if row.supervisor_id else None,
        signature=_signature(row, "signed", SignatureRole.AUTHOR),
        cosignature=_signature(row, "cosigned", SignatureRole.COSIGNER),
        returned=Return(StaffId(row.returned_by), row.returned_at, row.return_comment)
        if row.returned_by
        else None,
        addenda=tuple(addenda),
        entered_in_error=EnteredInError(row.error_reason, StaffId(row.error_by), row.error_at)
        if row.error_reason is not None
        else None,
        version=row.version,
    )


def _values(note: Note) -> dict[str, Any]:
    error, returned = note.entered_in_error, note.returned
    return {
        "case_id": note.case_id,
        "appointment_id": note.appointment_id,
        "author_id": note.author_id,
        "kind": note.kind.value,
        "template_name": note.template_name,
        "content": _content(note),
        "status": note.status.value,
        "supervisor_id": note.supervisor_id,
        **_signature_values(note.signature, "signed"),
        **_signature_values(note.cosignature, "cosigned"),
        "returned_by": returned.by if returned else None,
        "returned_at": returned.at if returned else None,
        "return_comment": returned.comment if returned else None,
        "error_reason": error.reason if error else None,
        "error_by": error.by if error else None,
        "error_at": error.at if error else None,
        "updated_at": note.updated_at,
    }


def note_row(note: Note) -> dict[str, Any]:
    """A new note's row (the benchmark's generator writes these too)."""
    return {"id": note.id, "created_at": note.created_at, "version": note.version, **_values(note)}


def addendum_rows(note: Note, stored: int = 0) -> list[dict[str, Any]]:
    """The rows of the addenda after the first `stored`."""
    return [
        {
            "id": a.id,
            "note_id": note.id,
            "position": stored + i,
            "written_by": a.by,
            "written_at": a.at,
            "body": a.text,
        }
        for i, a in enumerate(note.addenda[stored:])
    ]


def search_rows(note: Note) -> list[dict[str, Any]]:
    shared = "\n".join([*(s.text for s in note.sections), *(a.text for a in note.addenda)])
    rows = [{"id": uuid4(), "note_id": note.id, "person_id": None, "body": shared}]
    rows += [
        {"id": uuid4(), "note_id": note.id, "person_id": p.person_id, "body": p.text}
        for p in note.private
        if p.text
    ]
    return rows


def fts_match(body: sa.ColumnElement[str], rowid: Any, words: list[str], dialect: str) -> Any:
    """Every word in the text, through the full-text index of the database."""
    if dialect == "postgresql":
        config: sa.ColumnElement[Any] = sa.literal_column(
            f"'{FTS_CONFIG}'"
        )  # as in the index, not a parameter
        return sa.func.to_tsvector(config, body).op("@@")(
            sa.func.plainto_tsquery(config, " ".join(words))
        )
    query = " ".join(f'"{w}"' for w in words)  # words are letters and digits only
    return rowid.in_(
        sa.text("SELECT rowid FROM note_search_fts WHERE note_search_fts MATCH :q").bindparams(
            q=query
        )
    )


def words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text.casefold()).split() if w]


class SqlNoteRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect.name
        self.events: list[DomainEvent] = []

    async def _load(self, where: sa.ColumnElement[bool]) -> list[Note]:
        rows = (await self._conn.execute(sa.select(t.notes).where(where))).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        addenda: dict[UUID, list[Addendum]] = {}
        for a in await self._conn.execute(
            sa.select(t.note_addenda)
            .where(among(_a.note_id, ids, self._dialect))
            .order_by(_a.note_id, _a.position)
        ):
            addenda.setdefault(a.note_id, []).append(
                Addendum(a.id, StaffId(a.written_by), a.written_at, a.body)
            )
        return [_note(r, addenda.get(r.id, [])) for r in rows]

    async def get(self, note_id: UUID) -> Note | None:
        found = await self._load(_n.id == note_id)
        return found[0] if found else None

    async def for_appointment(self, appointment_id: UUID) -> Note | None:
        found = await self._load(_n.appointment_id == appointment_id)
        return found[0] if found else None

    async def for_case(self, case_id: CaseId) -> list[Note]:
        notes = await self._load(_n.case_id == case_id)
        rows = await self._conn.execute(
            sa.select(t.appointments.c.id, t.appointments.c.start_at).where(
                t.appointments.c.case_id == case_id
            )
        )
        starts: dict[UUID, datetime] = {r.id: r.start_at for r in rows}
        return sorted(notes, key=lambda n: (starts.get(n.appointment_id, n.created_at), str(n.id)))

    async def states(self, appointment_ids: Iterable[UUID]) -> dict[UUID, NoteState]:
        ids = list(set(appointment_ids))
        if not ids:
            return {}
        rows = await self._conn.execute(
            sa.select(
                _n.id, _n.appointment_id, _n.status, _n.author_id, _n.updated_at, _n.signed_at
            ).where(among(_n.appointment_id, ids, self._dialect))
        )
        return {
            r.appointment_id: NoteState(
                note_id=r.id,
                appointment_id=r.appointment_id,
                status=NoteStatus(r.status),
                author_id=StaffId(r.author_id),
                updated_at=r.updated_at,
                signed_at=r.signed_at,
            )
            for r in rows
        }

    async def add(self, note: Note) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(sa.insert(t.notes).values(**note_row(note)))
        except IntegrityError as exc:
            raise InvalidInput("This session has a note already.") from exc
        self.events += note.events.pull()
        await self._write_addenda(note, 0)
        await self._index(note)

    async def _write_addenda(self, note: Note, stored: int) -> None:
        rows = addendum_rows(note, stored)
        if rows:
            await self._conn.execute(sa.insert(t.note_addenda), rows)

    async def _index(self, note: Note) -> None:
        await self._conn.execute(sa.delete(t.note_search).where(_s.note_id == note.id))
        await self._conn.execute(sa.insert(t.note_search), search_rows(note))

    async def update(self, note: Note) -> None:
        stored = (
            await self._conn.execute(sa.select(sa.func.count()).where(_a.note_id == note.id))
        ).scalar_one()
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(
                    sa.update(t.notes)
                    .where(_n.id == note.id, _n.version == note.version)
                    .values(version=note.version + 1, **_values(note))
                )
        except IntegrityError as exc:
            raise InvariantViolation("A signed note's content cannot change.") from exc
        if result.rowcount != 1:
            raise ConcurrencyConflict("This note")
        note.version += 1
        self.events += note.events.pull()
        await self._write_addenda(note, stored)
        await self._index(note)

    async def search(
        self,
        scope: NoteScope,
        text: str,
        *,
        case_id: CaseId | None = None,
        person_id: PersonId | None = None,
        limit: int = 50,
    ) -> list[NoteHit]:
        wanted = words(text)
        if not wanted:
            return []
        allowed: list[sa.ColumnElement[bool]] = [
            _n.author_id == scope.staff_id,
            _n.supervisor_id == scope.staff_id,
            t.appointments.c.supervisor_override == scope.staff_id,
        ]
        allowed.append(
            sa.true() if scope.cases is None else case_held(scope.cases, scope.today, self._dialect)
        )
        query = (
            sa.select(_s.note_id, _n.case_id, _n.appointment_id, _s.person_id)
            .select_from(
                t.note_search.join(t.notes, _n.id == _s.note_id)
                .join(t.cases, t.cases.c.id == _n.case_id)
                .join(t.appointments, t.appointments.c.id == _n.appointment_id)
            )
            .where(
                fts_match(_s.body, sa.literal_column("note_search.rowid"), wanted, self._dialect)
                if self._dialect != "postgresql"
                else fts_match(_s.body, None, wanted, self._dialect),
                sa.or_(*allowed),
            )
            .order_by(t.appointments.c.start_at.desc(), _s.note_id, _s.person_id)
            .limit(limit)
        )
        if case_id is not None:
            query = query.where(_n.case_id == case_id)
        if person_id is not None:
            query = query.where(sa.or_(_s.person_id.is_(None), _s.person_id == person_id))
        return [
            NoteHit(
                note_id=r.note_id,
                case_id=CaseId(r.case_id),
                appointment_id=r.appointment_id,
                person_id=PersonId(r.person_id) if r.person_id else None,
            )
            for r in await self._conn.execute(query)
        ]


class SqlNoteTemplateRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.events: list[DomainEvent] = []

    @staticmethod
    def _template(row: Any) -> NoteTemplate:
        return NoteTemplate(
            id=row.id,
            name=row.name,
            sections=tuple(SectionSpec(title, hint) for title, hint in json.loads(row.sections)),
            active=row.active,
            version=row.version,
        )

    @staticmethod
    def _values(template: NoteTemplate) -> dict[str, Any]:
        return {
            "name": template.name,
            "sections": json.dumps([[s.title, s.hint] for s in template.sections]),
            "active": template.active,
        }

    async def get(self, template_id: UUID) -> NoteTemplate | None:
        row = (
            await self._conn.execute(
                sa.select(t.note_templates).where(t.note_templates.c.id == template_id)
            )
        ).first()
        return self._template(row) if row else None

    async def list_all(self) -> list[NoteTemplate]:
        rows = await self._conn.execute(sa.select(t.note_templates))
        return sorted((self._template(r) for r in rows), key=lambda x: x.name.casefold())

    async def add(self, template: NoteTemplate) -> None:
        await self._conn.execute(
            sa.insert(t.note_templates).values(id=template.id, version=0, **self._values(template))
        )

    async def update(self, template: NoteTemplate) -> None:
        c = t.note_templates.c
        result = await self._conn.execute(
            sa.update(t.note_templates)
            .where(c.id == template.id, c.version == template.version)
            .values(version=template.version + 1, **self._values(template))
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This template")
        template.version += 1


class SqlPsychotherapyNoteRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.events: list[DomainEvent] = []

    @staticmethod
    def _note(row: Any) -> PsychotherapyNote:
        return PsychotherapyNote(
            id=row.id,
            case_id=CaseId(row.case_id),
            appointment_id=row.appointment_id,
            author_id=StaffId(row.author_id),
            text=row.body,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    async def _one(self, *where: sa.ColumnElement[bool]) -> PsychotherapyNote | None:
        row = (await self._conn.execute(sa.select(t.psychotherapy_notes).where(*where))).first()
        return self._note(row) if row else None

    async def get(self, psychotherapy_note_id: UUID) -> PsychotherapyNote | None:
        return await self._one(t.psychotherapy_notes.c.id == psychotherapy_note_id)

    async def of_author(self, appointment_id: UUID, author_id: StaffId) -> PsychotherapyNote | None:
        c = t.psychotherapy_notes.c
        return await self._one(c.appointment_id == appointment_id, c.author_id == author_id)

    async def add(self, note: PsychotherapyNote) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    sa.insert(t.psychotherapy_notes).values(
                        id=note.id,
                        case_id=note.case_id,
                        appointment_id=note.appointment_id,
                        author_id=note.author_id,
                        body=note.text,
                        created_at=note.created_at,
                        updated_at=note.updated_at,
                        version=0,
                    )
                )
        except IntegrityError as exc:
            raise InvalidInput("You have a psychotherapy note for this session already.") from exc
        self.events += note.events.pull()

    async def update(self, note: PsychotherapyNote) -> None:
        c = t.psychotherapy_notes.c
        result = await self._conn.execute(
            sa.update(t.psychotherapy_notes)
            .where(c.id == note.id, c.version == note.version)
            .values(body=note.text, updated_at=note.updated_at, version=note.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("This psychotherapy note")
        note.version += 1
        self.events += note.events.pull()


class SqlNoteAttention:
    """Each list is one statement through an index: held sessions without a signed note by
    the partial index (provider_id, start_at, id) WHERE completed AND NOT note_signed
    (migration 0021), notes by (author_id, status, updated_at) or (supervisor_id, status)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @staticmethod
    def _unsigned(before: datetime | sa.BindParameter[Any]) -> sa.Select[Any]:
        """Completed sessions (by their first provider) without a signed note, with their
        draft's id if they have one: a range of the partial index of exactly those sessions
        (at the large tier 15,600 of 760,000), where an anti-join of every held session
        against the notes read them all."""
        a = t.appointments.c
        draft = sa.select(_n.id).where(_n.appointment_id == a.id).scalar_subquery()
        return (
            sa.select(
                a.provider_id.label("staff_id"),
                a.id,
                a.case_id,
                a.start_at,
                t.cases.c.name,
                draft.label("note_id"),
            )
            .select_from(t.appointments.join(t.cases, t.cases.c.id == a.case_id))
            .where(*SqlNoteAttention._held_unsigned(before))
        )

    @staticmethod
    def _held_unsigned(before: datetime | sa.BindParameter[Any]) -> list[sa.ColumnElement[bool]]:
        """Held before `before` and without a signed note: `note_signed` is kept by the
        database's trigger on notes (migration 0021), true when the note is past draft."""
        return [held_unsigned(), t.appointments.c.start_at < before]

    async def without_signed_note(
        self, provider_id: StaffId, before: datetime, limit: int
    ) -> list[SessionRow]:
        query = _unsigned_of_provider()
        bound = {"who": provider_id, "before": before, "limit": limit}
        return [
            SessionRow(
                appointment_id=r.id,
                case_id=CaseId(r.case_id),
                case_name=r.name,
                start=r.start_at,
                note_id=r.note_id,
            )
            for r in await self._conn.execute(query, bound)
        ]

    async def _notes(self, listed: str, **bound: Any) -> list[SessionRow]:
        return [
            SessionRow(
                appointment_id=r.appointment_id,
                case_id=CaseId(r.case_id),
                case_name=r.name,
                start=r.start_at,
                note_id=r.id,
                at=r.at,
                staff_id=StaffId(r.author_id),
            )
            for r in await self._conn.execute(_note_list(listed), bound)
        ]

    async def drafts(
        self, author_id: StaffId, older_than: datetime, limit: int
    ) -> list[SessionRow]:
        return await self._notes("drafts", who=author_id, older_than=older_than, limit=limit)

    async def returned(self, author_id: StaffId, limit: int) -> list[SessionRow]:
        return await self._notes("returned", who=author_id, limit=limit)

    async def awaiting(self, supervisor_id: StaffId, limit: int) -> list[SessionRow]:
        return await self._notes("awaiting", who=supervisor_id, limit=limit)

    async def totals(self, before: datetime) -> list[ClinicianTotals]:
        a = t.appointments.c
        one: sa.ColumnElement[int] = sa.literal_column("1")
        zero: sa.ColumnElement[int] = sa.literal_column("0")

        def counts(status: NoteStatus) -> sa.ColumnElement[int]:
            return sa.case((_is(_n.status, status.value), one), else_=zero)

        # Two index-only scans of partial indexes (migration 0021): the held sessions without
        # a signed note, and the notes in review (awaiting co-signature or returned).
        parts = sa.union_all(
            sa.select(
                a.provider_id.label("staff_id"), one.label("u"), zero.label("w"), zero.label("r")
            ).where(*self._held_unsigned(before)),
            sa.select(
                _n.author_id,
                zero,
                counts(NoteStatus.AWAITING_COSIGNATURE),
                counts(NoteStatus.RETURNED),
            ).where(in_review()),
        ).subquery()
        query = (
            sa.select(
                parts.c.staff_id,
                sa.func.sum(parts.c.u).label("u"),
                sa.func.sum(parts.c.w).label("w"),
                sa.func.sum(parts.c.r).label("r"),
            )
            .group_by(parts.c.staff_id)
            .order_by(parts.c.staff_id)
        )
        return [
            ClinicianTotals(
                staff_id=StaffId(r.staff_id),
                without_signed_note=int(r.u),
                awaiting_cosignature=int(r.w),
                returned=int(r.r),
            )
            for r in await self._conn.execute(query)
        ]

    async def case_open(
        self, case_id: CaseId, staff_id: StaffId, before: datetime, today: date
    ) -> CaseOpenCounts | None:
        bound = {"case_id": case_id, "staff_id": staff_id, "before": before, "today": today}
        row = (await self._conn.execute(_case_open_statement(), bound)).one()
        if not row.treats:
            return None
        return CaseOpenCounts(without_signed_note=int(row.u), plans_due=int(row.d))


@functools.cache
def _case_open_statement() -> sa.Select[Any]:
    """The case head's counts in one statement (the case, the staff member, `before` and
    `today` bound), built once: building it and its cache key on every case page cost more CPU
    than running it."""
    a, p, staff, member = (
        t.appointments.c,
        t.treatment_plans.c,
        t.case_staff.c,
        t.case_memberships.c,
    )
    case_id = sa.bindparam("case_id", type_=a.case_id.type)
    today = sa.bindparam("today", type_=sa.Date)
    newer = t.treatment_plans.alias("newer")
    # On the appointments' (case_id, start_at) index, the flag read from the row.
    unsigned = (
        sa.select(sa.func.count())
        .select_from(t.appointments)
        .where(
            a.case_id == case_id,
            held_unsigned(),
            a.start_at < sa.bindparam("before", type_=a.start_at.type),
        )
        .scalar_subquery()
    )
    due = (
        sa.select(sa.func.count())
        .select_from(t.treatment_plans)
        .where(
            p.case_id == case_id,
            p.signed_at.is_not(None),
            p.review_on < today,
            sa.exists().where(t.cases.c.id == case_id, t.cases.c.closed_on.is_(None)),
            ~sa.exists().where(
                newer.c.case_id == p.case_id,
                newer.c.person_id == p.person_id,
                newer.c.number > p.number,
                newer.c.signed_at.is_not(None),
            ),
            sa.exists().where(
                member.case_id == case_id,
                member.person_id == p.person_id,
                member.start_on <= today,
                sa.or_(member.end_on.is_(None), member.end_on >= today),
            ),
        )
        .scalar_subquery()
    )
    treats = sa.exists().where(
        staff.case_id == case_id,
        staff.staff_id == sa.bindparam("staff_id", type_=staff.staff_id.type),
        staff.duty.in_(_TREATING),
        staff.start_on <= today,
        sa.or_(staff.end_on.is_(None), staff.end_on >= today),
    )
    return sa.select(unsigned.label("u"), due.label("d"), treats.label("treats"))


# ----- the attention lists' statements, built once (their values bound at execution) ---------
# Building them per request was a third of the header's attention count: it runs after every
# page.


@functools.cache
def _unsigned_of_provider() -> sa.Select[Any]:
    """A provider's held sessions without a signed note (bound: who, before, limit), in the
    partial index's own order (provider_id, start_at, id): no sort, `limit` rows."""
    a = t.appointments.c
    return (
        SqlNoteAttention._unsigned(sa.bindparam("before", type_=a.start_at.type))
        .where(a.provider_id == sa.bindparam("who", type_=a.provider_id.type))
        .order_by(a.start_at, a.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


@functools.cache
def _note_list(listed: str) -> sa.Select[Any]:
    """Notes of one author or supervisor (bound: who, limit; drafts also older_than) in one
    status, oldest first by the moment that matters for that list."""
    at, whose, status = {
        "drafts": (_n.updated_at, _n.author_id, _DRAFT),
        "returned": (_n.returned_at, _n.author_id, NoteStatus.RETURNED.value),
        "awaiting": (_n.signed_at, _n.supervisor_id, NoteStatus.AWAITING_COSIGNATURE.value),
    }[listed]
    where = [whose == sa.bindparam("who", type_=whose.type), _is(_n.status, status)]
    if listed == "drafts":
        where.append(at < sa.bindparam("older_than", type_=at.type))
    a = t.appointments.c
    return (
        sa.select(_n.id, _n.appointment_id, _n.case_id, _n.author_id, at.label("at"))
        .add_columns(a.start_at, t.cases.c.name)
        .select_from(
            t.notes.join(t.appointments, a.id == _n.appointment_id).join(
                t.cases, t.cases.c.id == _n.case_id
            )
        )
        .where(*where)
        .order_by(at, _n.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )
