"""A clinician's private iCalendar feed: create (or replace) its secret, revoke it, and the read
model the feed is made from. The feed names no client: a session is "Couple session (M.S.)",
unless the clinician opted in to case names; nothing clinical is ever in it."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.appointments import AppointmentStatus
from core.domain.scheduling.feeds import CalendarFeed, initials
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.secrets import hash_secret, new_secret
from core.domain.shared.values import StaffId
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.use_case import Command, staff_actor

PAST = timedelta(days=90)  # how far back and ahead a feed reaches
AHEAD = timedelta(days=366)


class CreateFeed(Command, frozen=True, kw_only=True):
    include_names: bool = False


class FeedStatus(msgspec.Struct, frozen=True, kw_only=True):
    active: bool
    include_names: bool = False
    created_at: datetime | None = None


def _own_clinician(actor: Actor) -> StaffId:
    me = staff_actor(actor)
    if not me.has(StaffRole.CLINICIAN):
        raise Forbidden("A calendar feed shows a clinician's own appointments.")
    return me.id


async def create_feed(deps: SchedulingDeps, actor: Actor, cmd: CreateFeed) -> str:
    """A new secret for the actor's feed, replacing any earlier one. Returned once: only its
    hash is stored."""
    staff_id = _own_clinician(actor)
    secret = new_secret()
    token_hash = hash_secret(secret)
    assert token_hash is not None  # new_secret makes secrets hash_secret accepts
    async with deps.uow() as uow:
        await uow.feeds.save(
            CalendarFeed(
                staff_id=staff_id,
                token_hash=token_hash,
                include_names=cmd.include_names,
                created_at=deps.clock.now(),
            )
        )
        await uow.commit()
    return secret


async def revoke_feed(deps: SchedulingDeps, actor: Actor) -> None:
    staff_id = _own_clinician(actor)
    async with deps.uow() as uow:
        await uow.feeds.delete(staff_id)
        await uow.commit()


async def feed_status(deps: SchedulingDeps, actor: Actor) -> FeedStatus:
    staff_id = _own_clinician(actor)
    async with deps.uow() as uow:
        feed = await uow.feeds.for_staff(staff_id)
    if feed is None:
        return FeedStatus(active=False)
    return FeedStatus(active=True, include_names=feed.include_names, created_at=feed.created_at)


class FeedEvent(msgspec.Struct, frozen=True, kw_only=True):
    uid: UUID
    start: datetime  # UTC
    end: datetime
    title: str
    location: str
    cancelled: bool
    stamp: datetime  # when it last changed
    sequence: int


class FeedView(msgspec.Struct, frozen=True, kw_only=True):
    calendar_name: str
    timezone: str
    events: list[FeedEvent]


async def feed_by_secret(deps: SchedulingDeps, secret: str) -> FeedView:
    """The feed a secret opens: the clinician's appointments from three months back to a year
    ahead, in four queries. An unknown or revoked secret is NotFound, like any other address."""
    token_hash = hash_secret(secret)
    if token_hash is None:
        raise NotFound("No such calendar.")
    now = deps.clock.now()
    async with deps.uow() as uow:
        feed = await uow.feeds.by_token_hash(token_hash)
        if feed is None:
            raise NotFound("No such calendar.")
        staff = await uow.staff.get(feed.staff_id)
        if staff is None or not staff.active:
            raise NotFound("No such calendar.")
        found = await uow.appointments.for_providers([feed.staff_id], now - PAST, now + AHEAD)
        cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in found})}
    events = []
    for a in found:
        case = cases.get(a.case_id)
        if case is None:
            continue
        kind = case.policy.label.capitalize()
        title = (
            f"{kind} session: {case.name}"
            if feed.include_names
            else (f"{kind} session ({initials(case.name)})")
        )
        events.append(
            FeedEvent(
                uid=a.id,
                start=a.start,
                end=a.end,
                title=title,
                location="Telehealth" if a.telehealth else a.location,
                cancelled=a.status
                in (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED),
                stamp=(a.changed or a.created).at,
                sequence=a.version,
            )
        )
    return FeedView(calendar_name=f"Hearth · {staff.name}", timezone=deps.timezone, events=events)
