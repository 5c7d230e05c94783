"""Setting a case's or a participant's own fee (a sliding scale) from a date."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.billing.access import require_billing
from core.domain.billing.fees import FeeOverride
from core.domain.cases.access import Actor, Permission, StaffActor, require
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput, NotFound
from core.domain.shared.values import CaseId, Money, PersonId
from core.services.billing.charging import recharge_appointments
from core.services.shared.audit import audit_record
from core.services.shared.use_case import Command, Deps


class SetFee(Command, frozen=True, kw_only=True):
    case_id: CaseId
    starts_on: date
    fee_minor: int
    person_id: PersonId | None = None  # None: the whole case
    service_id: UUID | None = None  # None: every service of the case


async def set_fee(deps: Deps, actor: Actor, cmd: SetFee) -> UUID:
    """From `starts_on` the case (or participant) pays `fee_minor`. Sessions on or after that
    date that were charged already are charged again at the new fee (a reversal and a new
    entry each). Billing work: the owner's and the administrators' (of this case)."""
    async with deps.uow() as uow:
        case = await uow.cases.get(cmd.case_id)
        if case is None:
            raise NotFound("No such case.")
        require(actor, case, deps.clock.today(), Permission.MANAGE_BILLING)
        require_billing(actor)  # after the case's check: an unseen case stays "no such case"
        if cmd.person_id is not None and not case.ever_member(cmd.person_id):
            raise InvalidInput("Choose a participant of this case.", field="person_id")
        practice = await uow.practice.get()
        override = FeeOverride(
            id=deps.ids.new(),
            case_id=case.id,
            starts_on=cmd.starts_on,
            fee=Money(cmd.fee_minor, practice.currency if practice else "USD"),
            person_id=cmd.person_id,
            service_id=cmd.service_id,
            recorded_at=deps.clock.now(),
        )
        await uow.fee_overrides.add(override)
        # Every session from that date, charged or not (one held at a fee of 0.00 has no
        # entry yet); a day's margin for the practice's timezone, as recharging is a no-op
        # for the sessions whose charges already fit.
        since = cmd.starts_on - timedelta(days=1)
        await recharge_appointments(
            uow,
            {a.id for a in await uow.appointments.for_case(case.id) if a.start.date() >= since},
            ZoneInfo(practice.timezone if practice else "UTC"),
            new_id=deps.ids.new,
            at=deps.clock.now(),
            by=actor.id if isinstance(actor, StaffActor) else None,
        )
        await uow.commit()
    await deps.audit.record(
        audit_record(deps, actor, AuditAction.CREATE, "fee_override", override.id, case.id)
    )
    return override.id
