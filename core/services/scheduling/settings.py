"""Use cases of the practice's scheduling settings: locations, the telehealth link, the
calendar's hours, reminder lead times and the late-cancellation window.

Who: locations, the telehealth link and the calendar's hours are front-desk work, kept by the
owner and the administrators; reminders and the late-cancellation window are the practice's
policy towards its clients (what they are told, what a late cancellation costs), the owner's.
Everyone on the staff reads them (the calendar needs its hours, the booking form its links)."""

from __future__ import annotations

from datetime import time
from uuid import UUID

from core.domain.cases.access import Actor, StaffActor, may_manage_staff
from core.domain.directory.parties import Channel, StaffRole
from core.domain.scheduling.settings import (
    DayHours,
    Location,
    LocationAdded,
    ReminderRule,
    SchedulingPolicy,
)
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps, staff_actor


def may_keep_scheduling(actor: Actor) -> bool:
    return isinstance(actor, StaffActor) and (actor.is_owner or actor.has(StaffRole.ADMINISTRATOR))


def require_scheduling_admin(actor: Actor, what: str) -> None:
    if not may_keep_scheduling(actor):
        raise Forbidden(f"Only the practice owner and the administrators change {what}.")


class LocationDetails(Command, frozen=True, kw_only=True):
    name: str
    address: str = ""


class ChangeLocation(LocationDetails, frozen=True, kw_only=True):
    location_id: UUID
    version: int
    active: bool = True


class DayRange(Command, frozen=True, kw_only=True):
    opens: time
    closes: time


class ChangeHours(Command, frozen=True, kw_only=True):
    version: int
    hours: tuple[DayRange | None, ...]  # Monday first; None: closed that day


class Reminder(Command, frozen=True, kw_only=True):
    hours_before: int
    channel: str


class ChangeReminders(Command, frozen=True, kw_only=True):
    version: int
    reminders: tuple[Reminder, ...]
    late_cancel_hours: int


class ChangeTelehealthLink(Command, frozen=True, kw_only=True):
    version: int
    telehealth_link: str | None


async def list_locations(
    deps: Deps, actor: Actor, *, include_inactive: bool = False
) -> list[Location]:
    staff_actor(actor)
    async with deps.uow() as uow:
        return await uow.locations.list_all(include_inactive=include_inactive)


async def add_location(deps: Deps, actor: Actor, cmd: LocationDetails) -> UUID:
    require_scheduling_admin(actor, "the practice's locations")
    location = Location(id=deps.ids.new(), name=cmd.name, address=cmd.address)
    location.events.record(LocationAdded(location_id=location.id))
    async with deps.uow() as uow:
        await uow.locations.add(location)
        await commit(deps, uow, actor)
    return location.id


async def change_location(deps: Deps, actor: Actor, cmd: ChangeLocation) -> Location:
    require_scheduling_admin(actor, "the practice's locations")
    async with deps.uow() as uow:
        location = await uow.locations.get(cmd.location_id)
        if location is None:
            raise NotFound("No such location.")
        if location.version != cmd.version:
            raise ConcurrencyConflict("This location")
        location.change(name=cmd.name, address=cmd.address, active=cmd.active)
        await uow.locations.update(location)
        await commit(deps, uow, actor)
    return location


async def _policy(uow: UnitOfWork) -> SchedulingPolicy:
    return await uow.policy.get() or SchedulingPolicy()


async def scheduling_policy(deps: Deps, actor: Actor) -> SchedulingPolicy:
    """The practice's scheduling settings (the defaults until first saved)."""
    staff_actor(actor)
    async with deps.uow() as uow:
        return await _policy(uow)


async def calendar_hours(deps: Deps, actor: Actor) -> tuple[DayHours | None, ...]:
    """The hours the calendar shows, Monday first (None: closed that day): what the calendar's
    time grid takes as its parameter."""
    return (await scheduling_policy(deps, actor)).hours


async def _change_policy(deps: Deps, actor: Actor, version: int, **wanted: object) -> None:
    async with deps.uow() as uow:
        policy = await _policy(uow)
        if policy.version != version:
            raise ConcurrencyConflict("The scheduling settings")
        policy.change(**wanted)
        await uow.policy.save(policy)
        await commit(deps, uow, actor)


def _day(index: int, day: DayRange | None) -> DayHours | None:
    if day is None:
        return None
    try:
        return DayHours(day.opens, day.closes)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=f"closes_{index}") from None


async def change_hours(deps: Deps, actor: Actor, cmd: ChangeHours) -> None:
    require_scheduling_admin(actor, "the calendar's hours")
    hours = tuple(_day(i, d) for i, d in enumerate(cmd.hours))
    await _change_policy(deps, actor, cmd.version, hours=hours)


async def change_reminders(deps: Deps, actor: Actor, cmd: ChangeReminders) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes reminders and the cancellation policy.")
    reminders = []
    for i, r in enumerate(cmd.reminders):
        try:
            reminders.append(ReminderRule(r.hours_before, Channel(r.channel)))
        except (InvalidInput, ValueError) as exc:
            message = exc.message if isinstance(exc, InvalidInput) else "Choose email or SMS."
            raise InvalidInput(message, field=f"reminder_{i}") from None
    await _change_policy(
        deps,
        actor,
        cmd.version,
        reminders=tuple(reminders),
        late_cancel_hours=cmd.late_cancel_hours,
    )


async def change_telehealth_link(deps: Deps, actor: Actor, cmd: ChangeTelehealthLink) -> None:
    require_scheduling_admin(actor, "the telehealth link")
    await _change_policy(deps, actor, cmd.version, telehealth_link=cmd.telehealth_link)
