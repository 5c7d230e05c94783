"""Documentation's lines in the case history: clinical, so hidden from non-clinical readers.
They name the code, never the clinical text."""

from __future__ import annotations

from core.domain.documentation.events import (
    DiagnosisAdded,
    DiagnosisEnded,
    DiagnosisEnteredInError,
    DiagnosisEvent,
    DiagnosisRanked,
    PlanDrafted,
    PlanEvent,
    PlanRevised,
    PlanSigned,
)
from core.services.shared.bus import HandlerContext


async def narrate(event: DiagnosisEvent, ctx: HandlerContext) -> None:
    match event:
        case DiagnosisAdded():
            person = await ctx.uow.people.get(event.person_id)
            who = person.display_name if person else "a participant"
            summary, action = f"Diagnosis {event.code} added for {who}.", "diagnosis_added"
        case DiagnosisEnded():
            summary = f"Diagnosis {event.code} ended on {event.on.isoformat()}."
            action = "diagnosis_ended"
        case DiagnosisRanked():
            rank = "primary" if event.primary else "secondary"
            summary, action = f"Diagnosis {event.code} made {rank}.", "diagnosis_ranked"
        case DiagnosisEnteredInError():
            summary = f"Diagnosis {event.code} marked as entered in error: {event.reason}"
            action = "diagnosis_entered_in_error"
        case _:
            return
    ctx.narrate(event, event.case_id, action, summary, clinical=True)


async def narrate_plan(event: PlanEvent, ctx: HandlerContext) -> None:
    """A plan's lines name the participant and the version, never its content."""
    person = await ctx.uow.people.get(event.person_id)
    who = person.display_name if person else "a participant"
    match event:
        case PlanDrafted():
            summary = f"Treatment plan version {event.number} for {who} started."
            action = "plan_drafted"
        case PlanRevised():
            return  # a draft saved again is not news in the case's history
        case PlanSigned():
            summary = f"Treatment plan version {event.number} for {who} signed."
            action = "plan_signed"
        case _:
            return
    ctx.narrate(event, event.case_id, action, summary, clinical=True)
