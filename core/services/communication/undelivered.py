"""The practice's list of messages that could not be delivered: who, channel, when and why —
never what — for the owner (everything) and administrators (the cases they manage), with
"try again" and "mark handled". Reading it and acting on it are audited."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from core.domain.cases.access import Actor, Permission, StaffActor, case_permissions
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel, StaffRole
from core.domain.shared.audit import AuditAction, AuditObject
from core.domain.shared.errors import Forbidden, NotFound
from core.ports import UnitOfWork
from core.services.shared.audit import audit_change, audit_read
from core.services.shared.use_case import Deps, View, staff_actor

LIMIT = 200


class UndeliveredLine(View, frozen=True, kw_only=True):
    id: UUID
    purpose: str  # "reminder", "notice", "password reset"... from the delivery key
    recipient: str  # the person's name, when the actor may see the case
    channel: Channel
    due_at: datetime
    attempts: int
    reason: str  # the provider's answer


class UndeliveredPage(View, frozen=True, kw_only=True):
    lines: list[UndeliveredLine]
    more: bool  # more than LIMIT: the oldest are not shown


def _reader(actor: Actor) -> StaffActor:
    staff = staff_actor(actor)
    if not (staff.is_owner or staff.has(StaffRole.ADMINISTRATOR)):
        raise Forbidden("Only the owner and administrators see undelivered messages.")
    return staff


async def _visible(
    deps: Deps, uow: UnitOfWork, actor: StaffActor, messages: list[OutboundMessage]
) -> list[OutboundMessage]:
    """The owner sees every message; an administrator those of the cases they may manage."""
    if actor.is_owner:
        return messages
    case_ids = {m.case_id for m in messages if m.case_id is not None}
    cases = {c.id: c for c in await uow.cases.get_many(case_ids)}
    today = deps.clock.today()
    return [
        m
        for m in messages
        if m.case_id in cases
        and Permission.MANAGE_CASE in case_permissions(actor, cases[m.case_id], today)
    ]


def _purpose(message: OutboundMessage) -> str:
    return message.delivery_key.partition(":")[0].replace("_", " ")


async def undelivered(deps: Deps, actor: Actor) -> UndeliveredPage:
    me = _reader(actor)
    async with deps.uow() as uow:
        found = await uow.outbox.listing([DeliveryState.UNDELIVERED], limit=LIMIT + 1)
        shown = await _visible(deps, uow, me, found[:LIMIT])
        people = await uow.people.get_many({m.person_id for m in shown if m.person_id})
    await audit_read(deps, me, AuditObject.UNDELIVERED, None)
    return UndeliveredPage(
        lines=[
            UndeliveredLine(
                id=m.id,
                purpose=_purpose(m),
                recipient=people[m.person_id].display_name
                if m.person_id in people
                else "a staff member",
                channel=m.channel,
                due_at=m.due_at,
                attempts=m.attempts,
                reason=m.last_error,
            )
            for m in shown
        ],
        more=len(found) > LIMIT,
    )


async def undelivered_count(deps: Deps, actor: Actor) -> int | None:
    """For "Needs attention": None for those who may not see the list."""
    try:
        me = _reader(actor)
    except Forbidden:
        return None
    async with deps.uow() as uow:
        if me.is_owner:
            return await uow.outbox.count(DeliveryState.UNDELIVERED)
        found = await uow.outbox.listing([DeliveryState.UNDELIVERED], limit=LIMIT)
        return len(await _visible(deps, uow, me, found))


async def _act(deps: Deps, actor: Actor, message_id: UUID, retry: bool) -> None:
    me = _reader(actor)
    async with deps.uow() as uow:
        message = await uow.outbox.get(message_id)
        if message is None or not await _visible(deps, uow, me, [message]):
            raise NotFound("No such message.")
        if message.state is DeliveryState.UNDELIVERED:
            if retry:
                await uow.outbox.retry(message_id, deps.clock.now())
            else:
                await uow.outbox.mark_handled(message_id, me.id)
            await uow.commit()
        # Already retried or handled (a second click, or a colleague): nothing more to do.
    await audit_change(deps, me, AuditAction.CHANGE, "outbound_message", message_id)


async def retry_message(deps: Deps, actor: Actor, message_id: UUID) -> None:
    """Deliver it again from now, with fresh tries."""
    await _act(deps, actor, message_id, retry=True)


async def mark_handled(deps: Deps, actor: Actor, message_id: UUID) -> None:
    """Someone at the practice dealt with it (called the client, fixed the address)."""
    await _act(deps, actor, message_id, retry=False)
