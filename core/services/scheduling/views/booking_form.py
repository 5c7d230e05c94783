"""The booking form: the cases and services one may book."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.domain.cases.access import (
    Actor,
    Permission,
    reference_day,
    require,
)
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.defaults import offered_services, preselected_service
from core.domain.scheduling.services import Service
from core.domain.shared.values import CaseId, StaffId
from core.ports.scheduling import SchedulingStore
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.refs import StaffRef
from core.services.shared.use_case import View, staff_actor


class ServiceOption(View, frozen=True, kw_only=True):
    id: UUID
    name: str
    minutes: int
    billing_code: str | None

    @property
    def label(self) -> str:
        """As the forms offer it: Couple 50 · 50 min · 90847."""
        code = f" · {self.billing_code}" if self.billing_code else ""
        return f"{self.name} · {self.minutes} min{code}"


class BookingOptions(View, frozen=True, kw_only=True):
    """What the form to book a session of a case offers: the services of its kind of work, the
    clinicians who may provide it (the case's own first), who may supervise, and whose
    calendar the actor works in when it is not their own."""

    case_id: CaseId
    case_name: str
    kind_label: str
    services: list[ServiceOption]  # the active services of the case's kind of work only
    preselected_service_id: UUID | None  # see `preselected_service`
    usual_service_id: UUID | None
    providers: list[StaffRef]
    default_provider_id: StaffId | None
    supervisors: list[StaffRef]
    on_behalf_of: StaffRef | None

    @property
    def service_choices(self) -> list[tuple[str, str]]:
        """(value, label) of each service, for the form's select."""
        return [(str(s.id), s.label) for s in self.services]

    timezone: str


async def booking_options(deps: SchedulingDeps, actor: Actor, case_id: CaseId) -> BookingOptions:
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
    return await case_booking_options(deps, actor, case)


async def case_booking_options(deps: SchedulingDeps, actor: Actor, case: Case) -> BookingOptions:
    """`booking_options` of a case loaded already."""
    staff_actor(actor)
    require(actor, case, deps.clock.today(), Permission.MANAGE_CASE)
    async with deps.uow() as uow:
        return await booking_options_in(uow, deps, actor, case)


async def booking_options_in(
    uow: SchedulingStore,
    deps: SchedulingDeps,
    actor: Actor,
    case: Case,
    every_service: Sequence[Service] | None = None,
) -> BookingOptions:
    """`case_booking_options` in a unit of work open already (the appointment page's), the
    actor's permission to manage the case checked again here; `every_service`: the services,
    inactive ones too, when the caller read them already."""
    me = staff_actor(actor)
    today = deps.clock.today()
    require(actor, case, today, Permission.MANAGE_CASE)
    if every_service is None:
        every_service = await uow.services.list_all()
    services = offered_services(every_service, case.policy.service_line)
    last_booked = None
    if case.usual_service_id not in {s.id for s in services}:
        # Asked only when the usual service does not decide: one more statement at most.
        last_booked = await uow.appointments.last_booked_service(case.id)
    staff = await uow.staff.list_all()
    preselected = preselected_service(
        services,
        case.kind,
        usual=case.usual_service_id,
        last_booked=last_booked,
    )
    day = reference_day(case, today)
    treating = [
        a.staff_id
        for a in case.staff_on(day)
        if a.duty in (StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST)
    ]
    responsible = case.responsible_provider_on(day)
    names = {s.id: s.name for s in staff}
    clinicians = sorted(
        (s for s in staff if s.active and s.is_clinician),
        key=lambda s: (s.id not in treating, s.name),
    )
    return BookingOptions(
        case_id=case.id,
        case_name=case.name,
        kind_label=case.policy.label,
        services=[
            ServiceOption(id=x.id, name=x.name, minutes=x.minutes, billing_code=x.billing_code)
            for x in services
        ],
        preselected_service_id=preselected.id if preselected else None,
        usual_service_id=case.usual_service_id,
        providers=[StaffRef(id=s.id, name=s.name) for s in clinicians],
        default_provider_id=responsible,
        supervisors=[
            StaffRef(id=s.id, name=s.name)
            for s in staff
            if s.active and s.has(StaffRole.SUPERVISOR)
        ],
        # Someone who does not treat the case (an administrator) works in the provider's calendar.
        on_behalf_of=(
            StaffRef(id=responsible, name=names.get(responsible, "(former staff)"))
            if responsible is not None and me.id not in treating
            else None
        ),
        timezone=deps.timezone,
    )
