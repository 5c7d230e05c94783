"""The appointment page: expected participants, attendance, codes, supervision, series."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from core.domain.cases.access import (
    Actor,
    Permission,
    require,
)
from core.domain.cases.case import Case, Membership
from core.domain.cases.supervision import effective_supervisor
from core.domain.directory.parties import StaffMember
from core.domain.scheduling.appointments import Appointment, ChangeMark
from core.domain.scheduling.series import Series
from core.domain.scheduling.services import Service
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import NotFound
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.scheduling import SeriesSlot
from core.ports.unit_of_work import UnitOfWork
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.booking_form import BookingOptions, booking_options_in
from core.services.scheduling.views.refs import StaffRef, ref
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor


class ParticipantAttendance(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    role: str
    attendance: str | None  # None: not recorded yet


class ChangeView(View, frozen=True, kw_only=True):
    by: str
    on_behalf_of: str | None
    at: datetime


class SeriesSession(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime
    status: str


class SeriesView(View, frozen=True, kw_only=True):
    id: UUID
    description: str
    position: int  # this session's number in the series
    total: int
    sessions: list[SeriesSession]


class SupervisionView(View, frozen=True, kw_only=True):
    supervisor: StaffRef
    source: str  # "this appointment", "the case", "default supervisor of ..."


class AppointmentPage(View, frozen=True, kw_only=True):
    id: UUID
    version: int
    case_id: CaseId
    case_name: str
    kind_label: str
    start: datetime  # practice time
    end: datetime
    minutes: int
    status: str
    status_label: str
    providers: list[StaffRef]
    service_id: UUID
    service: str
    fee_minor: int | None  # None: the actor may not see money
    currency: str
    location: str
    telehealth: bool
    expected: list[ParticipantAttendance]
    supervision: SupervisionView | None
    series: SeriesView | None
    created: ChangeView
    changed: ChangeView | None
    permissions: list[str]

    @property
    def form_values(self) -> dict[str, str | list[str]]:
        """What the "change" form starts with, as its inputs hold it."""
        supervision = self.supervision
        own_supervisor = supervision is not None and supervision.source == "this appointment"
        return {
            "start": self.start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": str(self.minutes),
            "service_id": str(self.service_id),
            "provider_ids": [str(p.id) for p in self.providers],
            "location": self.location,
            "telehealth": "on" if self.telehealth else "",
            "supervisor_id": str(supervision.supervisor.id)
            if own_supervisor and supervision
            else "",
        }


def _change(staff: dict[StaffId, StaffMember], mark: ChangeMark) -> ChangeView:
    return ChangeView(
        by=ref(staff, mark.actor_id).name if mark.actor_id else "portal",
        on_behalf_of=ref(staff, mark.on_behalf_of).name if mark.on_behalf_of else None,
        at=mark.at,
    )


def _attendance(
    a: Appointment, expected: Sequence[Membership], names: Mapping[PersonId, str]
) -> list[ParticipantAttendance]:
    return [
        ParticipantAttendance(
            person_id=m.person_id,
            name=names.get(m.person_id, "(unknown)"),
            role=m.role.label,
            attendance=a.attendance[m.person_id].value if m.person_id in a.attendance else None,
        )
        for m in sorted(expected, key=lambda m: names.get(m.person_id, ""))
    ]


def _supervision(
    case: Case, a: Appointment, staff: dict[StaffId, StaffMember], day: date
) -> SupervisionView | None:
    provider = staff.get(a.provider)
    if provider is None:
        return None
    supervisor = effective_supervisor(case, provider, day, a.supervisor_override)
    if supervisor is None:
        return None
    if a.supervisor_override is not None:
        source = "this appointment"
    elif case.supervisor_on(day) is not None:
        source = "the case"
    else:
        source = f"default supervisor of {provider.name}"
    return SupervisionView(supervisor=ref(staff, supervisor), source=source)


@dataclass(frozen=True)
class LoadedAppointment:
    """What the appointment page loaded and authorized, for the page's other panels (codes,
    confirmations, booking options) to build on instead of loading it all again."""

    page: AppointmentPage
    appointment: Appointment
    case: Case
    granted: frozenset[Permission]
    expected: list[Membership]
    names: dict[PersonId, str]  # of those expected
    service: Service | None
    # The change form's choices, with `booking=True` and the actor may manage the case.
    booking: BookingOptions | None = None
    also: object = None  # what `also` read in the page's unit of work


async def appointment_page(
    deps: SchedulingDeps, actor: Actor, appointment_id: UUID
) -> AppointmentPage:
    return (await load_appointment_page(deps, actor, appointment_id)).page


# A read of another context about the appointment (the confirmations of its reminders), run
# in the page's unit of work once the actor may see the appointment.
Also = Callable[[UnitOfWork, Appointment], Awaitable[object]]


async def load_appointment_page(
    deps: SchedulingDeps,
    actor: Actor,
    appointment_id: UUID,
    *,
    booking: bool = False,
    also: Also | None = None,
) -> LoadedAppointment:
    """`appointment_page`, with what it was built from; with `booking`, and the actor may
    manage the case, the change form's choices too (`case_booking_options`), and with `also`
    what it reads: both in the same unit of work."""
    staff_actor(actor)  # participants get their own portal view, without others' names
    tz, today = deps.tz, deps.clock.today()
    async with deps.uow() as uow:
        a = await uow.appointments.get(appointment_id)
        if a is None:
            raise NotFound("No such appointment.")
        case = await load_case(uow, a.case_id)
        granted = require(actor, case, today, Permission.VIEW_SCHEDULE)
        expected = a.expected(case, tz)
        names = await uow.people.display_names(m.person_id for m in expected)
        staff = {s.id: s for s in await uow.staff.list_all()}
        options: BookingOptions | None = None
        if booking and Permission.MANAGE_CASE in granted:
            every_service = await uow.services.list_all(include_inactive=True)
            service = next((s for s in every_service if s.id == a.service_id), None)
            options = await booking_options_in(uow, deps, actor, case, every_service)
        else:
            service = await uow.services.get(a.service_id)
        series: Series | None = None
        siblings: list[SeriesSlot] = []
        if a.series_id is not None:
            series = await uow.appointments.get_series(a.series_id)
            siblings = await uow.appointments.series_slots(a.series_id)
        extra = await also(uow, a) if also is not None else None
    money = Permission.VIEW_BILLING in granted
    await audit_read(deps, actor, AuditObject.APPOINTMENT, a.id, case)
    page = AppointmentPage(
        id=a.id,
        version=a.version,
        case_id=case.id,
        case_name=case.name,
        kind_label=case.policy.label,
        start=a.start.astimezone(tz),
        end=a.end.astimezone(tz),
        minutes=a.minutes,
        status=a.status.value,
        status_label=a.status.label,
        providers=[ref(staff, p) for p in a.providers],
        service_id=a.service_id,
        service=service.name if service else "(removed service)",
        fee_minor=service.fee.amount_minor if service and money else None,
        currency=service.fee.currency if service else "",
        location=a.location,
        telehealth=a.telehealth,
        expected=_attendance(a, expected, names),
        supervision=_supervision(case, a, staff, a.local_day(tz)),
        series=(
            SeriesView(
                id=series.id,
                description=series.describe(),
                position=1 + [s.id for s in siblings].index(a.id),
                total=len(siblings),
                sessions=[
                    SeriesSession(id=x.id, start=x.start.astimezone(tz), status=x.status.value)
                    for x in siblings
                ],
            )
            if series is not None
            else None
        ),
        created=_change(staff, a.created),
        changed=_change(staff, a.changed) if a.changed else None,
        permissions=sorted(p.value for p in granted),
    )
    return LoadedAppointment(
        page=page,
        appointment=a,
        case=case,
        granted=granted,
        expected=expected,
        names=names,
        service=service,
        booking=options,
        also=extra,
    )
