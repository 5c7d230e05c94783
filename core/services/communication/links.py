"""Confirm / cancel links: made while reminders and notices are planned (kept only for the
messages actually queued), and used by the recipient on a page that needs no sign-in.

Confirming is recorded on the link (who, when, for which start of the session), which the
appointment page and the calendar read; cancelling cancels the session as the practice would
(late inside the practice's window: the page says the fee applies), so its reminders are
dropped and everyone gets the cancellation notice. Both are audited as the person's change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from core.domain.cases.access import PortalActor
from core.domain.communication.links import LinkUse, SessionLink, is_late
from core.domain.communication.reminders import ReminderPolicy, local_when, place_of
from core.domain.scheduling.appointments import Appointment, AppointmentStatus, ChangeMark
from core.domain.scheduling.events import AppointmentCancelled
from core.domain.shared.audit import AuditAction
from core.domain.shared.secrets import hash_secret
from core.ports import UnitOfWork
from core.services.communication.reminders import PolicySource
from core.services.shared.audit import audit_record
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps


class LinkState(StrEnum):
    OPEN = "open"  # confirm or cancel
    CONFIRMED = "confirmed"  # used to confirm
    CANCELLED = "cancelled"  # used to cancel, or the session is cancelled
    GONE = "gone"  # unknown, expired, the session moved or is over


@dataclass(frozen=True, slots=True)
class LinkView:
    state: LinkState
    practice_name: str = ""
    date: str = ""
    time: str = ""
    timezone: str = ""
    place: str = ""
    late: bool = False  # cancelling now is inside the late window
    late_cancel_hours: int = 0


async def _load(uow: UnitOfWork, secret: str) -> tuple[SessionLink | None, Appointment | None]:
    token_hash = hash_secret(secret)
    link = await uow.session_links.by_hash(token_hash) if token_hash else None
    if link is None:
        return None, None
    return link, (await uow.appointments.get_many([link.appointment_id])).get(link.appointment_id)


def _view(
    link: SessionLink | None, a: Appointment | None, policy: ReminderPolicy, now: datetime
) -> LinkView:
    if link is None or a is None:
        return LinkView(LinkState.GONE)
    day, clock = local_when(a, policy)
    shown = LinkView(
        LinkState.OPEN,
        practice_name=policy.practice_name,
        date=day,
        time=clock,
        timezone=policy.timezone,
        place=place_of(a, policy),
        late=is_late(a.start, now, policy.late_cancel_hours),
        late_cancel_hours=policy.late_cancel_hours,
    )
    if link.used_for is LinkUse.CONFIRM:
        return dataclasses.replace(shown, state=LinkState.CONFIRMED)
    if link.used_for is LinkUse.CANCEL or not a.status.holds_slot:
        return dataclasses.replace(shown, state=LinkState.CANCELLED)
    if not link.usable(now) or a.start != link.start or a.status is not AppointmentStatus.SCHEDULED:
        return LinkView(LinkState.GONE)
    return shown


async def open_link(deps: Deps, policy_of: PolicySource, secret: str) -> LinkView:
    async with deps.uow() as uow:
        link, appointment = await _load(uow, secret)
        return _view(link, appointment, await policy_of(uow), deps.clock.now())


async def use_link(deps: Deps, policy_of: PolicySource, secret: str, use: LinkUse) -> LinkView:
    """Confirm or cancel by the link, once: a second click answers what the first did."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        link, a = await _load(uow, secret)
        policy = await policy_of(uow)
        view = _view(link, a, policy, now)
        if view.state is not LinkState.OPEN or link is None or a is None:
            return view
        if not await uow.session_links.use(link.id, now, use):
            return _view(await uow.session_links.by_hash(link.token_hash), a, policy, now)
        actor = PortalActor(link.person_id)
        if use is LinkUse.CANCEL:
            case = await uow.cases.get(a.case_id)
            late = is_late(a.start, now, policy.late_cancel_hours)
            status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.CANCELLED
            a.set_status(status, a.expected(case, policy.tz) if case else (), now)
            a.touch(ChangeMark(actor_id=None, at=now))
            a.events.record(AppointmentCancelled.about(a, late=late))
            await uow.appointments.update(a)
            await commit(deps, uow, actor)  # audited from the event, as the person's change
        else:
            await commit(deps, uow, actor)
            await deps.audit.record_many(
                [audit_record(deps, actor, AuditAction.CHANGE, "appointment", a.id, a.case_id)]
            )
        return (
            _view(link, a, policy, now)
            if use is LinkUse.CANCEL
            else dataclasses.replace(view, state=LinkState.CONFIRMED)
        )


async def confirmations(uow: UnitOfWork, appointments: Iterable[Appointment]) -> dict[UUID, int]:
    """How many recipients confirmed each session at its current time (for the calendar and
    the appointment page): one read for any number of sessions."""
    by_id = {a.id: a for a in appointments}
    found = await uow.session_links.confirmed(by_id)
    return {
        a_id: sum(1 for link in links if link.start == by_id[a_id].start)
        for a_id, links in found.items()
        if any(link.start == by_id[a_id].start for link in links)
    }


async def confirmed_in(uow: UnitOfWork, a: Appointment) -> int:
    """How many recipients confirmed this session at its current time: the appointment page's
    `also`, run in its unit of work once the actor may see the appointment."""
    return (await confirmations(uow, [a])).get(a.id, 0)
