"""Writing to the audit log from any use case or read model, through the `AuditTrail` port of
`shared`: the entry says who (and for whom), what, which object, when and from where."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor, StaffActor, working_for
from core.domain.cases.case import Case
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord, Origin
from core.services.shared.use_case import Deps


def audit_record(
    deps: Deps,
    actor: Actor | None,
    action: AuditAction,
    object_type: AuditObject | str,
    object_id: UUID | None = None,
    case_id: UUID | None = None,
    on_behalf_of: UUID | None = None,
    origin: Origin | None = None,
) -> AuditRecord:
    """The entry for `actor` doing `action` to an object now (the message bus's handlers call
    this for changes). The origin is the actor's unless given."""
    staff = actor if isinstance(actor, StaffActor) else None
    where = origin or (staff.origin if staff is not None else None) or Origin()
    return AuditRecord(
        at=deps.clock.now(),
        actor_id=staff.id if staff is not None else None,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=str(object_type),
        object_id=object_id,
        case_id=case_id,
        route=where.route,
        client_address=where.client_address,
    )


async def audit_read(
    deps: Deps,
    actor: Actor,
    object_type: AuditObject,
    object_id: UUID | None,
    case: Case | None = None,
) -> None:
    """One entry for one screen that was allowed: a read model calls it last, after its
    authorization passed and before it returns, so that no screen is sent without its entry
    (when the log cannot be written, the read fails)."""
    on_behalf_of = working_for(actor, case, deps.clock.today()) if case is not None else None
    await deps.audit.record(
        audit_record(
            deps,
            actor,
            AuditAction.READ,
            object_type,
            object_id,
            case_id=case.id if case is not None else None,
            on_behalf_of=on_behalf_of,
        )
    )


async def audit_change(
    deps: Deps, actor: Actor, action: AuditAction, object_type: str, object_id: UUID
) -> None:
    """The entry of a change that records no domain event (the directory's people,
    organizations and staff), written after its commit as event-driven entries are."""
    await deps.audit.record(audit_record(deps, actor, action, object_type, object_id))
