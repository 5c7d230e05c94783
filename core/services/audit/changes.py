"""Every change is audited from the events of its intent: one entry per thing changed, who did
it and for whom, written once the change is committed (an entry never names a change that was
rolled back). Each event says what it touched (`DomainEvent.audited`), so the audit context
needs to know no other context's events; the entry names the object by type and id, never by
name or clinical text."""

from __future__ import annotations

from operator import attrgetter
from uuid import UUID

from core.domain.shared.audit import AuditAction, AuditRecord
from core.domain.shared.events import DomainEvent
from core.services.shared.audit import audit_record
from core.services.shared.bus import HandlerContext


def touched(event: DomainEvent) -> list[tuple[AuditAction, str, UUID]]:
    """What an event changed: (action, object type, object id) for each object."""
    if event.audited is None:
        return []
    action, object_type, id_field = event.audited
    found = attrgetter(id_field)(event)
    ids = found if isinstance(found, tuple) else (found,)
    return [(action, object_type, object_id) for object_id in ids]


async def audit_changes(ctx: HandlerContext) -> None:
    """After every handler ran: the entries of the intent, appended once it has committed."""
    entries: list[AuditRecord] = [
        audit_record(
            ctx.deps,
            ctx.actor,
            action,
            object_type,
            object_id,
            case_id=getattr(event, "case_id", None),
            on_behalf_of=ctx.on_behalf_of,
        )
        for event in ctx.events
        for action, object_type, object_id in touched(event)
    ]
    if entries:

        async def append() -> None:
            await ctx.deps.audit.record_many(entries)

        ctx.after_commit.append(append)
