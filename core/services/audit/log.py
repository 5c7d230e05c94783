"""Reading the audit log: owner only, filtered, newest first, keyset-paged; exported as rows;
verified link by link. Reading the log is itself written to the log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.audit.chain import AuditEntry, ChainReport, verify
from core.domain.audit.reading import MAX_PAGE, AuditFilter, Cursor, require_audit_reader
from core.domain.cases.access import Actor
from core.domain.scheduling.times import check_day, start_of_day
from core.domain.shared.audit import AuditAction, AuditObject
from core.domain.shared.values import CaseId, StaffId
from core.ports.audit import AuditLog
from core.services.shared.audit import audit_record
from core.services.shared.use_case import Command, Deps, View


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditDeps(Deps):
    """The ports, the audit log's reading side, and the practice's timezone (what a day of the
    period filter means)."""

    log: AuditLog
    timezone: str = "UTC"

    @classmethod
    def of(cls, deps: Deps, log: AuditLog, timezone: str = "UTC") -> AuditDeps:
        shared = {f.name: getattr(deps, f.name) for f in fields(Deps)}
        return cls(**shared, log=log, timezone=timezone)


class AuditQuery(Command, frozen=True, kw_only=True):
    case_id: UUID | None = None
    person_id: UUID | None = None
    staff_id: UUID | None = None
    from_day: date | None = None  # included
    to_day: date | None = None  # included
    before: str | None = None  # the cursor of the previous page's last entry
    per_page: int = 50


class AuditLine(View, frozen=True, kw_only=True):
    """An entry as the owner reads it: ids, plus the names looked up now (entries hold none)."""

    seq: int
    at: datetime
    actor_id: UUID | None
    actor: str
    on_behalf_of_id: UUID | None
    on_behalf_of: str | None
    action: str
    object_type: str
    object_id: UUID | None
    case_id: UUID | None
    case: str | None
    route: str
    client_address: str
    hash: str


class StaffChoice(View, frozen=True, kw_only=True):
    id: StaffId
    name: str


class AuditPage(View, frozen=True, kw_only=True):
    lines: list[AuditLine]
    older: str | None  # cursor of the next (older) page, None on the last one
    staff: list[StaffChoice]  # whom the filter can name
    timezone: str


def _filter(deps: AuditDeps, q: AuditQuery, limit: int) -> AuditFilter:
    tz = ZoneInfo(deps.timezone)
    if q.from_day is not None:
        check_day(q.from_day, "from")
    if q.to_day is not None:
        check_day(q.to_day, "to")
    return AuditFilter(
        case_id=q.case_id,
        object_type=AuditObject.PERSON if q.person_id is not None else None,
        object_id=q.person_id,
        actor_id=q.staff_id,
        start=start_of_day(q.from_day, tz) if q.from_day else None,
        end=start_of_day(q.to_day + timedelta(days=1), tz) if q.to_day else None,
        before=Cursor.decode(q.before) if q.before else None,
        limit=limit,
    )


async def _lines(deps: AuditDeps, entries: list[AuditEntry]) -> list[AuditLine]:
    """The entries with staff and case names: one lookup each for the whole page; times in
    the practice's timezone."""
    tz = ZoneInfo(deps.timezone)
    case_ids = {CaseId(e.record.case_id) for e in entries if e.record.case_id is not None}
    async with deps.uow() as uow:
        staff = {s.id: s.name for s in await uow.staff.list_all()}
        cases = {c.id: c.name for c in await uow.cases.get_many(case_ids)} if case_ids else {}

    def name(staff_id: UUID | None) -> str | None:
        return None if staff_id is None else staff.get(StaffId(staff_id), "(former staff)")

    return [
        AuditLine(
            seq=e.seq,
            at=e.record.at.astimezone(tz),
            actor_id=e.record.actor_id,
            actor=name(e.record.actor_id) or "(no one signed in)",
            on_behalf_of_id=e.record.on_behalf_of,
            on_behalf_of=name(e.record.on_behalf_of),
            action=str(e.record.action),
            object_type=e.record.object_type,
            object_id=e.record.object_id,
            case_id=e.record.case_id,
            case=cases.get(CaseId(e.record.case_id)) if e.record.case_id else None,
            route=e.record.route,
            client_address=e.record.client_address,
            hash=e.hash,
        )
        for e in entries
    ]


async def audit_page(deps: AuditDeps, actor: Actor, q: AuditQuery) -> AuditPage:
    """One page of the log, newest first; `older` continues below its last entry."""
    me = require_audit_reader(actor)
    per_page = max(1, min(q.per_page, MAX_PAGE))
    found = await deps.log.page(_filter(deps, q, per_page + 1))
    shown = found[:per_page]
    older = Cursor(shown[-1].record.at, shown[-1].seq).encode() if len(found) > per_page else None
    await deps.audit.record(audit_record(deps, me, AuditAction.READ, AuditObject.AUDIT_LOG))
    async with deps.uow() as uow:
        staff = sorted(await uow.staff.list_all(), key=lambda s: s.name)
    return AuditPage(
        lines=await _lines(deps, shown),
        older=older,
        staff=[StaffChoice(id=s.id, name=s.name) for s in staff],
        timezone=deps.timezone,
    )


async def export_audit(
    deps: AuditDeps, actor: Actor, q: AuditQuery, *, batch: int = MAX_PAGE
) -> AsyncIterator[AuditLine]:
    """Every entry matching the filter, newest first, page by page (for a streamed CSV). The
    export is written to the log before its first row."""
    me = require_audit_reader(actor)
    base = _filter(deps, q, batch)
    await deps.audit.record(audit_record(deps, me, AuditAction.EXPORT, AuditObject.AUDIT_LOG))
    return _export(deps, base)


async def _export(deps: AuditDeps, base: AuditFilter) -> AsyncIterator[AuditLine]:
    before = base.before
    while True:
        found = await deps.log.page(replace(base, before=before))
        for line in await _lines(deps, found):
            yield line
        if len(found) < base.limit:
            return
        before = Cursor(found[-1].record.at, found[-1].seq)


async def verify_log(log: AuditLog) -> ChainReport:
    """Walk the whole chain from its first entry; the report names the first broken link."""
    return await verify(log.walk(), await log.head())
