"""Steps every scheduling change shares: load and authorize, check overlaps, commit.

Booking checks the no-overlap rule here first, to name the clash in the practice's time; the
store re-checks it at commit, which is what makes it hold under concurrent writers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from core.domain.cases.access import Actor, Permission, StaffActor, require
from core.domain.cases.case import Case
from core.domain.directory.parties import StaffMember, StaffRole
from core.domain.scheduling.appointments import (
    Appointment,
    ChangeMark,
    DoubleBooking,
    find_double_booking,
)
from core.domain.scheduling.series import Series
from core.domain.scheduling.services import Service
from core.domain.scheduling.times import local_date, overlaps
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput, NotFound
from core.domain.shared.values import PersonId, StaffId
from core.ports import SchedulingStore, UnitOfWork
from core.services.cases.changes import load_case, on_behalf_for
from core.services.scheduling.deps import SchedulingDeps, T, when
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps, staff_actor


class Scope(StrEnum):
    """Which sessions of a series a change applies to."""

    THIS = "this"
    FOLLOWING = "following"  # this one and the following ones


class Booking(msgspec.Struct, frozen=True, kw_only=True):
    """What a booking or change did: the sessions touched, the series, and warnings that do
    not stop it (a participant booked elsewhere at the same time)."""

    appointment_ids: list[UUID]
    series_id: UUID | None = None
    warnings: list[str] = []


@dataclass(slots=True)
class _Context:
    """One appointment change, loaded and authorized."""

    uow: UnitOfWork
    actor: StaffActor
    case: Case


async def load(
    deps: SchedulingDeps,
    uow: UnitOfWork,
    actor: Actor,
    appointment_id: UUID,
    permission: Permission,
) -> tuple[Appointment, _Context]:
    appointment = await uow.appointments.get(appointment_id)
    if appointment is None:
        raise NotFound("No such appointment.")
    case = await load_case(uow, appointment.case_id)
    require(actor, case, deps.clock.today(), permission)
    return appointment, _Context(uow, staff_actor(actor), case)


async def usable_service(uow: SchedulingStore, case: Case, service_id: UUID) -> Service:
    service = await uow.services.get(service_id)
    if service is None or not service.active:
        raise InvalidInput("Choose one of the practice's services.", field="service_id")
    if service.service_line is not case.policy.service_line:
        raise InvalidInput(
            f"{service.name} is {service.service_line.value} work; this is a "
            f"{case.policy.label} case ({case.policy.service_line.value}).",
            field="service_id",
        )
    return service


async def _clinicians(
    uow: SchedulingStore, provider_ids: Sequence[StaffId], supervisor_id: StaffId | None
) -> dict[StaffId, StaffMember]:
    """Providers (and the supervisor override) as staff members, checked in one query."""
    wanted = [*provider_ids, *([supervisor_id] if supervisor_id else [])]
    staff = await uow.staff.get_many(wanted)
    for sid in provider_ids:
        s = staff.get(sid)
        if s is None or not s.active or not s.is_clinician:
            raise InvalidInput("Choose active clinicians as providers.", field="provider_ids")
    if supervisor_id is not None:
        s = staff.get(supervisor_id)
        if s is None or not s.active or not s.has(StaffRole.SUPERVISOR):
            raise InvalidInput(
                "Choose an active supervisor of the practice.", field="supervisor_id"
            )
        if supervisor_id in provider_ids:
            raise InvalidInput(
                "A provider does not supervise their own session.", field="supervisor_id"
            )
    return staff


def _on_behalf_of(
    actor: StaffActor, providers: Sequence[StaffId], asked: StaffId | None
) -> StaffId | None:
    """Whose work the actor is doing: the clinician named, or the session's provider when the
    actor is not one of its providers (an administrator working in a clinician's calendar)."""
    if asked is not None:
        if asked != actor.id and not (actor.is_owner or asked in actor.supports):
            raise Forbidden("You can work on behalf of the clinicians you support.")
        return None if asked == actor.id else asked
    return None if actor.id in providers else providers[0]


def _mark(deps: Deps, actor: StaffActor, on_behalf_of: StaffId | None) -> ChangeMark:
    return ChangeMark(actor_id=actor.id, at=deps.clock.now(), on_behalf_of=on_behalf_of)


async def check_overlaps(
    deps: SchedulingDeps, uow: SchedulingStore, sessions: Sequence[Appointment]
) -> None:
    """Refuse a provider's overlapping sessions, naming the clash in the practice's time. One
    query covers a whole series: every booking of its providers in its span."""
    holding = [a for a in sessions if a.holds_slot]
    if not holding:
        return
    providers = {p for a in holding for p in a.providers}
    existing = await uow.appointments.overlapping(
        providers,
        min(a.start for a in holding),
        max(a.end for a in holding),
        exclude=[a.id for a in holding],
    )
    clash = find_double_booking(holding, existing)
    if clash is not None:
        provider, other = clash
        staff = await uow.staff.get(provider)
        who = staff.name if staff else "This provider"
        raise DoubleBooking(provider, other.start, other.end, who=who, tz=deps.tz)


async def participant_warnings(
    deps: SchedulingDeps, uow: SchedulingStore, case: Case, sessions: Sequence[Appointment]
) -> list[str]:
    """A participant expected here and, at an overlapping time, in another case's session:
    a warning (they may have arranged it), not a refusal. The other case is not named, as the
    actor may not be allowed to know of it."""
    holding = [a for a in sessions if a.holds_slot]
    if not holding:
        return []
    tz = deps.tz
    expected = {a.id: {m.person_id for m in a.expected(case, tz)} for a in holding}
    people = set().union(*expected.values())
    related = await uow.cases.ids_for_people(people)  # one query for a group of twelve too
    other_ids = {cid for ids in related.values() for cid in ids}
    other_ids.discard(case.id)
    if not other_ids:
        return []
    others = await uow.appointments.for_cases(
        other_ids, min(a.start for a in holding), max(a.end for a in holding)
    )
    if not others:
        return []
    other_cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in others})}
    clashes: dict[PersonId, list[Appointment]] = {}
    for a in holding:
        for other in others:
            if not overlaps(a.start, a.end, other.start, other.end):
                continue
            there = {m.person_id for m in other.expected(other_cases[other.case_id], tz)}
            for pid in expected[a.id] & there:
                clashes.setdefault(pid, []).append(other)
    if not clashes:
        return []
    names = {p: person.display_name for p, person in (await uow.people.get_many(clashes)).items()}
    return [
        f"{names.get(pid, 'A participant')} has another appointment at "
        f"{when(hits[0].start, tz)}"
        + (f" (and {len(hits) - 1} more overlapping sessions)" if len(hits) > 1 else "")
        + "."
        for pid, hits in sorted(clashes.items(), key=lambda kv: names.get(kv[0], ""))
    ]


async def commit_changes(
    deps: SchedulingDeps,
    uow: UnitOfWork,
    actor: StaffActor,
    case: Case,
    on_behalf_of: StaffId | None = None,
) -> None:
    """Commit through the bus (the case's history names who did it, and for which clinician:
    the one named, else as for any change of the case). A clash with what another writer
    committed first (the store's guarantee) is reported like the use case's own check: the
    provider's name and the other session's time in practice time. Looked up in the same unit
    of work after rolling back, as SQLite lets one writer at a time hold a transaction."""
    try:
        on_behalf = on_behalf_of or on_behalf_for(deps, actor, case)
        await commit(deps, uow, actor, on_behalf_of=on_behalf)
    except DoubleBooking as clash:
        await uow.rollback()
        staff = await uow.staff.get(clash.provider_id)
        other = await uow.appointments.overlapping([clash.provider_id], clash.start, clash.end)
        start, end = (other[0].start, other[0].end) if other else (clash.start, clash.end)
        who = staff.name if staff else "This provider"
        raise DoubleBooking(clash.provider_id, start, end, who=who, tz=deps.tz) from clash


async def hold_open(uow: SchedulingStore, case: Case, start: datetime, tz: ZoneInfo) -> None:
    """A session goes on an open case, from its opening day. The case was an ordinary read,
    so the booking also writes the case's version: a close committed meanwhile turns this
    commit into a ConcurrencyConflict (a new booking runs again and meets the closed case)
    instead of leaving a session on a closed case."""
    case.require_open()
    if local_date(start, tz) < case.opened_on:
        raise InvalidInput(
            f"The case opened on {case.opened_on.isoformat()}; book from that day.",
            field="start",
        )
    await uow.cases.update(case)


async def series_of(uow: SchedulingStore, appointment: Appointment) -> Series:
    series = None
    if appointment.series_id is not None:
        series = await uow.appointments.get_series(appointment.series_id)
    if series is None:
        raise InvalidInput("This session is not part of a series.", field="scope")
    return series


ATTEMPTS = 5


async def retrying(work: Callable[[], Awaitable[T]]) -> T:
    """Run a change again when a concurrent writer got in first (SQLite reports that as a
    conflict, and a booking conflicts with a change of its case): the second run reads what
    the other committed, so it ends with the precise refusal (a double booking, a closed
    case) or succeeds. A version the user read is stated in the command, so a change of a
    stale read stays a conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await work()
        except ConcurrencyConflict:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
