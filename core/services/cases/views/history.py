"""The case history screen."""

from __future__ import annotations

from datetime import datetime

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.history import HistoryRecord
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId, StaffId
from core.services.cases.changes import load_case
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View


class HistoryEntry(View, frozen=True, kw_only=True):
    at: datetime
    actor: str
    on_behalf_of: str | None
    action: str
    summary: str


async def case_history(deps: Deps, actor: Actor, case_id: CaseId) -> list[HistoryEntry]:
    """The case's changes, newest first; clinical entries only for clinical readers."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CASE)
        events = await uow.history.for_case(case_id)
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    await audit_read(deps, actor, AuditObject.CASE_HISTORY, case.id, case)
    return _history(events, staff, Permission.VIEW_CLINICAL in granted)


def _history(
    events: list[HistoryRecord], staff: dict[StaffId, str], clinical: bool
) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=e.at,
            actor=staff.get(e.actor_id, "(former staff)") if e.actor_id else "portal",
            on_behalf_of=staff.get(e.on_behalf_of) if e.on_behalf_of else None,
            action=e.action,
            summary=e.summary,
        )
        for e in events
        if clinical or not e.clinical
    ]
