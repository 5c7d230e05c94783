"""Charges from attendance: what billing does when a session's attendance, status or codes are
recorded (and when it is cancelled or moved).

The handler plans the session's charges from what is recorded now (`plan_charges`), compares
them with the live charges the ledger holds for it, and writes only the difference: a charge
that no longer fits is reversed, a missing one is added. So recording the same thing twice
changes nothing, and every correction is a reversal plus a new entry, in the same transaction
as the change that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.billing.charges import ChargeReason, PlannedCharge, plan_charges
from core.domain.billing.ledger import EntryKind, LedgerEntry, open_entries
from core.domain.cases.access import StaffActor
from core.domain.scheduling.events import AppointmentEvent
from core.domain.scheduling.settings import SchedulingPolicy
from core.domain.shared.values import StaffId
from core.ports import UnitOfWork
from core.services.shared.bus import Handler, HandlerContext

_REASONS = {r.label: r for r in ChargeReason}


def _planned_of(e: LedgerEntry) -> PlannedCharge | None:
    """A live charge entry in the terms of a plan (to compare); None: not made by the plan."""
    if e.case_id is None or e.service_id is None or e.of_total is None or e.memo not in _REASONS:
        return None
    return PlannedCharge(
        payer=e.payer,
        amount=e.amount,
        of_total=e.of_total,
        cause=e.cause,
        case_id=e.case_id,
        participant_id=e.participant_id,
        service_id=e.service_id,
        occurred_on=e.occurred_on,
        reason=_REASONS[e.memo],
        code=e.code,
    )


def _entry_of(p: PlannedCharge, id: UUID, at: datetime, by: StaffId | None) -> LedgerEntry:
    return LedgerEntry(
        id=id,
        payer=p.payer,
        kind=EntryKind.CHARGE,
        amount=p.amount,
        occurred_on=p.occurred_on,
        recorded_at=at,
        cause=p.cause,
        case_id=p.case_id,
        participant_id=p.participant_id,
        service_id=p.service_id,
        code=p.code,
        of_total=p.of_total,
        recorded_by=by,
        memo=p.memo,
    )


def difference(
    live: Iterable[LedgerEntry],
    wanted: Iterable[PlannedCharge],
    *,
    new_id: Callable[[], UUID],
    at: datetime,
    by: StaffId | None,
) -> list[LedgerEntry]:
    """The entries that turn the `live` charges into the `wanted` ones: reversals of those no
    longer wanted, then the new ones."""
    missing = list(wanted)
    reversals: list[LedgerEntry] = []
    for e in live:
        planned = _planned_of(e)
        if planned is not None and planned in missing:
            missing.remove(planned)
        else:
            reversals.append(e.reversal(id=new_id(), at=at, by=by, memo=e.memo))
    return reversals + [_entry_of(p, new_id(), at, by) for p in missing]


async def recharge_appointments(
    uow: UnitOfWork,
    appointment_ids: Iterable[UUID],
    tz: ZoneInfo,
    *,
    new_id: Callable[[], UUID],
    at: datetime,
    by: StaffId | None = None,
) -> list[LedgerEntry]:
    """Bring the ledger's charges of these sessions in line with what is recorded about them;
    the entries written. Six reads whatever the number of sessions, then one write."""
    appointments = list((await uow.appointments.get_many(appointment_ids)).values())
    if not appointments:
        return []
    ids = [a.id for a in appointments]
    cases = {c.id: c for c in await uow.cases.get_many({a.case_id for a in appointments})}
    services = await uow.services.get_many({a.service_id for a in appointments})
    overrides = await uow.fee_overrides.for_cases(cases)
    existing = await uow.ledger.for_causes(ids)
    policy = await uow.policy.get()
    window = (
        policy.late_cancel_hours if policy is not None else SchedulingPolicy().late_cancel_hours
    )
    live_by_cause: dict[UUID, list[LedgerEntry]] = {}
    for e in open_entries(existing):
        if e.kind is EntryKind.CHARGE:
            live_by_cause.setdefault(e.cause.id, []).append(e)
    written: list[LedgerEntry] = []
    for a in sorted(appointments, key=lambda a: (a.start, a.id)):
        case, service = cases.get(a.case_id), services.get(a.service_id)
        if case is None or service is None:
            continue
        wanted = plan_charges(a, case, service, overrides, tz, window)
        written += difference(live_by_cause.get(a.id, []), wanted, new_id=new_id, at=at, by=by)
    if written:
        await uow.ledger.append(written)
    return written


def charge_sessions(default_tz: ZoneInfo) -> Handler:
    """The handler for scheduling's and billing's appointment events. The practice's timezone
    (which decides a session's date, so its payers and fee) is the use case's when it has one."""

    async def handle(event: AppointmentEvent, ctx: HandlerContext) -> None:
        tz = getattr(ctx.deps, "tz", default_tz)
        by = ctx.actor.id if isinstance(ctx.actor, StaffActor) else None
        await recharge_appointments(
            ctx.uow,
            event.appointment_ids,
            tz,
            new_id=ctx.deps.ids.new,
            at=ctx.deps.clock.now(),
            by=by,
        )

    return handle
