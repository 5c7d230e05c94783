"""The case history, written from the events of each intent: one line per intent and case,
who really did it and for whom. Clinical lines are hidden from non-clinical readers."""

from __future__ import annotations

from core.domain.cases import events as ev
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.history import HistoryRecord
from core.domain.cases.kinds import policy
from core.domain.cases.responsibilities import CommunicationPreference, PayerKind, PayerRef
from core.domain.shared.values import PersonId, StaffId
from core.services.shared.bus import HandlerContext


async def _person(ctx: HandlerContext, person_id: PersonId) -> str:
    person = await ctx.uow.people.get(person_id)
    return person.display_name if person else "A person"


async def _staff(ctx: HandlerContext, staff_id: StaffId, unknown: str = "A staff member") -> str:
    staff = await ctx.uow.staff.get(staff_id)
    return staff.name if staff else unknown


async def _payer(ctx: HandlerContext, payer: PayerRef) -> str:
    if payer.kind is PayerKind.PERSON:
        return await _person(ctx, PersonId(payer.id))
    organization = await ctx.uow.organizations.get(payer.id)  # type: ignore[arg-type]
    return organization.name if organization else "An organization"


async def _sentence(event: ev.CaseEvent, ctx: HandlerContext) -> tuple[str, str, bool] | None:
    """(action, summary, clinical) for an event of a case."""
    match event:
        case ev.CaseOpened():
            who = await _staff(ctx, event.responsible_provider)
            word = policy(event.kind).label
            return "opened", f"Opened as a {word} case with {who} responsible.", False
        case ev.CaseRenamed():
            return "renamed", f"Renamed from “{event.before}” to “{event.after}”.", False
        case ev.CapacitySet():
            return "capacity", f"Capacity set to {event.capacity or 'no limit'}.", False
        case ev.UsualServiceSet():
            service = f"“{event.service_name}”" if event.service_id else "none"
            return "usual_service", f"Usual service: {service}.", False
        case ev.IdentifiedClientNamed():
            if event.person_id is None:
                return "identified_client", "No identified client named.", False
            who = await _person(ctx, event.person_id)
            return "identified_client", f"{who} is the identified client.", False
        case ev.StatusChanged():
            return "status", f"Status changed to {CaseStatus(event.status).label}.", False
        case ev.CaseClosed():
            return "closed", f"Closed on {event.closed_on.isoformat()}.", False
        case ev.CaseReopened():
            who = await _staff(ctx, event.responsible_provider)
            on = event.reopened_on.isoformat()
            return "reopened", f"Reopened on {on} with {who} responsible.", False
        case ev.MemberJoined():
            who = await _person(ctx, event.person_id)
            summary = f"{who} joined as {event.role.label} on {event.joined_on.isoformat()}."
            if event.unreachable:
                summary += " No reminders: no email address or text-message consent yet."
            return "member_added", summary, False
        case ev.MemberLeft():
            who = await _person(ctx, event.person_id)
            summary = f"{who} left on {event.left_on.isoformat()}."
            if event.attendance_after_leaving:
                summary += " Attendance recorded after that day stays, marked “after leaving”."
            return "member_left", summary, False
        case ev.MembershipEndChanged():
            who = await _person(ctx, event.person_id)
            if event.after is None:
                summary = f"{who}'s last day removed: a member again, as before."
            else:
                before = f" (was {event.before.isoformat()})" if event.before else ""
                summary = f"{who}'s last day corrected to {event.after.isoformat()}{before}."
                if event.attendance_after_leaving:
                    summary += " Attendance recorded after it stays, marked “after leaving”."
            return "member_end_changed", summary, False
        case ev.EnteredInError():
            return "entered_in_error", await _correction(ctx, event), False
        case ev.StaffAssigned():
            who = await _staff(ctx, event.staff_id)
            summary = f"{who} is {event.duty.label} from {event.from_day.isoformat()}."
            return event.duty.value, summary, False
        case ev.StaffDutyEnded():
            who = await _staff(ctx, event.staff_id)
            summary = f"{who} is no longer {event.duty.label} after {event.on.isoformat()}."
            return f"{event.duty.value}_ended", summary, False
        case ev.PayerAdded():
            r = event.responsibility
            payer = await _payer(ctx, r.payer)
            target = "the whole case" if r.covers is None else await _person(ctx, r.covers)
            share = f" ({r.share_percent}%)" if r.share_percent else ""
            summary = f"{payer} pays for {target}{share} from {r.period.start.isoformat()}."
            return "payer_added", summary, False
        case ev.PayerEnded():
            payer = await _payer(ctx, event.responsibility.payer)
            return "payer_ended", f"{payer} stops paying after {event.on.isoformat()}.", False
        case ev.CommunicationSet() if event.joins and not event.preference.reminders:
            return "communication", _stopped(event.preference), False
        case ev.CommunicationSet():
            p = event.preference
            what = [
                label
                for label, on in (
                    ("reminders", p.reminders),
                    ("invoices", p.invoices),
                    ("clinical messages", p.clinical_messages),
                    ("portal access", p.portal_access),
                )
                if on
            ]
            who = await _person(ctx, p.person_id)
            summary = f"{who}: {', '.join(what) or 'nothing'} by {p.channel.value}."
            return "communication", summary, False
        case ev.HelperGranted():
            helper = await _person(ctx, event.helper_id)
            for_whom = await _person(ctx, event.for_person_id)
            summary = (
                f"{helper} is {event.kind.label} for {for_whom} from {event.from_day.isoformat()}."
            )
            return "helper_granted", summary, False
        case ev.HelperRevoked():
            helper = await _person(ctx, event.helper_id)
            summary = f"{helper} is no longer {event.kind.label} after {event.on.isoformat()}."
            return "helper_revoked", summary, False
    return None


def _stopped(p: CommunicationPreference) -> str:
    kept = [
        w for w, on in (("invoices", p.invoices), ("clinical messages", p.clinical_messages)) if on
    ]
    still = f" ({', '.join(kept)} go on)" if kept else ""
    return f"Their reminders and portal access in this case end{still}."


_ITEM_WORDS = {
    "membership": "membership of",
    "staff_assignment": "duty of",
    "billing_responsibility": "payment by",
    "helper_role": "helper role of",
}


async def _correction(ctx: HandlerContext, event: ev.EnteredInError) -> str:
    if event.staff_id is not None:
        who = await _staff(ctx, event.staff_id)
    elif event.person_id is not None:
        who = await _person(ctx, event.person_id)
    elif event.organization_id is not None:
        who = await _payer(ctx, PayerRef.organization(event.organization_id))
    else:
        who = "someone"
    until = f" to {event.end.isoformat()}" if event.end else ""
    what = _ITEM_WORDS.get(event.item_kind, "item of")
    return (
        f"The {what} {who} (from {event.start.isoformat()}{until}) was entered in error: "
        f"{event.reason}"
    )


async def narrate(event: ev.CaseEvent, ctx: HandlerContext) -> None:
    if not isinstance(event, ev.CaseOpened) and any(
        n.case_id == event.case_id and n.action == "opened" for n in ctx.narrations
    ):
        return  # what comes with an opening (its payer) is part of the opening's line
    said = await _sentence(event, ctx)
    if said is None:
        return
    action, summary, clinical = said
    joined = [n for n in ctx.narrations if n.case_id == event.case_id]
    if event.joins and joined:
        # Part of the change just before it: one intent, one line.
        joined[-1].summary = f"{joined[-1].summary} {summary}"
        return
    ctx.narrate(event, event.case_id, action, summary, clinical)


async def write_history(ctx: HandlerContext) -> None:
    """After every handler ran: append what the intent did to each case's history."""
    actor_id = ctx.actor.id if isinstance(ctx.actor, StaffActor) else None
    for line in ctx.narrations:
        await ctx.uow.history.append(
            HistoryRecord(
                id=ctx.deps.ids.new(),
                case_id=line.case_id,  # type: ignore[arg-type]
                at=ctx.deps.clock.now(),
                actor_id=actor_id,
                action=line.action,
                summary=line.summary,
                clinical=line.clinical,
                on_behalf_of=ctx.on_behalf_of,
            )
        )
