"""Every change is audited from the events of its intent: one entry per thing changed, who did
it and for whom, written once the change is committed (an entry never names a change that was
rolled back). The entry names the object by type and id, never by name or clinical text."""

from __future__ import annotations

from uuid import UUID

from core.domain.billing.events import CodesConfirmed
from core.domain.cases import events as case_events
from core.domain.documentation.events import DiagnosisAdded, DiagnosisEnded
from core.domain.scheduling import events as scheduling
from core.domain.shared.audit import AuditAction, AuditRecord
from core.domain.shared.events import DomainEvent
from core.services.shared.audit import audit_record
from core.services.shared.bus import HandlerContext

CREATE, CHANGE, END = AuditAction.CREATE, AuditAction.CHANGE, AuditAction.END

Touched = tuple[AuditAction, str, UUID | None]


def touched(event: DomainEvent) -> list[Touched]:
    """What an event changed: (action, object type, object id) for each object."""
    match event:
        case case_events.CaseOpened():
            return [(CREATE, "case", event.case_id)]
        case (
            case_events.CaseRenamed()
            | case_events.CapacitySet()
            | case_events.StatusChanged()
            | case_events.CaseReopened()
        ):
            return [(CHANGE, "case", event.case_id)]
        case case_events.CaseClosed():
            return [(END, "case", event.case_id)]
        case case_events.MemberJoined():
            return [(CREATE, "membership", event.membership_id)]
        case case_events.MemberLeft():
            return [(END, "membership", event.membership_id)]
        case case_events.StaffAssigned():
            return [(CREATE, "staff_assignment", event.assignment_id)]
        case case_events.StaffDutyEnded():
            return [(END, "staff_assignment", event.assignment_id)]
        case case_events.PayerAdded():
            return [(CREATE, "billing_responsibility", event.responsibility.id)]
        case case_events.PayerEnded():
            return [(END, "billing_responsibility", event.responsibility.id)]
        case case_events.CommunicationSet():
            return [(CHANGE, "communication_preference", event.preference.person_id)]
        case case_events.HelperGranted():
            return [(CREATE, "helper_role", event.role_id)]
        case case_events.HelperRevoked():
            return [(END, "helper_role", event.role_id)]
        case DiagnosisAdded():
            return [(CREATE, "diagnosis", event.diagnosis_id)]
        case DiagnosisEnded():
            return [(END, "diagnosis", event.diagnosis_id)]
        case scheduling.AppointmentBooked():
            return [(CREATE, "appointment", event.appointment_id)]
        case CodesConfirmed():
            return [(CHANGE, "billing_codes", event.appointment_id)]
        case scheduling.AppointmentEvent():  # moved, cancelled, attendance, status
            return [(CHANGE, "appointment", event.appointment_id)]
        case scheduling.UpcomingSessionsCancelled():
            return [(CHANGE, "appointment", a) for a in event.appointment_ids]
    return []


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
