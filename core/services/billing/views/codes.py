"""A session's billing codes: Hearth's suggestion with its reason, and what was confirmed.
Shown to those who see the case's money, for kinds of work that carry codes."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.billing.codes import CodeOption, OptionKind
from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case, Membership
from core.domain.cases.kinds import RecordType
from core.domain.scheduling.appointments import Appointment
from core.domain.scheduling.services import Service
from core.domain.shared.codes import CODES, CodeLine
from core.domain.shared.errors import NotFound
from core.domain.shared.values import PersonId
from core.services.billing.codes import suggestion_for
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.appointment_page import LoadedAppointment
from core.services.shared.use_case import View, staff_actor


class CodeLineView(View, frozen=True, kw_only=True):
    code: str
    description: str
    units: int
    person_id: PersonId | None
    person_name: str | None


class CodeOptionView(View, frozen=True, kw_only=True):
    index: int  # what the form posts back
    label: str
    lines: list[CodeLineView]


class CodesView(View, frozen=True, kw_only=True):
    suggested: list[CodeLineView]
    reason: str
    options: list[CodeOptionView]  # Hearth asks: one of these, or the clinician's own codes
    confirmed: list[CodeLineView] | None  # None: not confirmed yet
    confirmed_differs: bool  # attendance changed since, or the clinician chose other codes


def codes_view(
    case: Case,
    a: Appointment,
    service: Service | None,
    expected: Sequence[Membership],
    names: dict[PersonId, str],
    tz: ZoneInfo,
) -> CodesView:
    suggestion = suggestion_for(case, a, service, expected, tz)

    def lines(items: Sequence[CodeLine]) -> list[CodeLineView]:
        return [
            CodeLineView(
                code=c.code,
                description=CODES.get(c.code, ""),
                units=c.units,
                person_id=c.person_id,
                person_name=names.get(c.person_id) if c.person_id else None,
            )
            for c in items
        ]

    def label(o: CodeOption) -> str:
        who = names.get(o.about, "this participant") if o.about else ""
        code = o.lines[0].code
        if o.kind is OptionKind.INDIVIDUAL:
            return f"{code}: individual psychotherapy for {who}"
        if o.kind is OptionKind.WITHOUT_CLIENT:
            about = f", {who} as the identified client" if o.about else ""
            return f"{code}: without the identified client present{about}"
        return f"{code}: with the identified client present"

    return CodesView(
        suggested=lines(suggestion.lines),
        reason=suggestion.reason,
        options=[
            CodeOptionView(index=n, label=label(o), lines=lines(o.lines))
            for n, o in enumerate(suggestion.options)
        ],
        confirmed=lines(a.codes) if a.codes is not None else None,
        confirmed_differs=a.codes is not None
        and a.codes != suggestion.lines
        and all(a.codes != o.lines for o in suggestion.options),
    )


async def appointment_codes(
    deps: SchedulingDeps, actor: Actor, appointment_id: UUID
) -> CodesView | None:
    """The codes panel of an appointment page; None when there is none to show."""
    staff_actor(actor)
    async with deps.uow() as uow:
        a = await uow.appointments.get(appointment_id)
        if a is None:
            raise NotFound("No such appointment.")
        case = await load_case(uow, a.case_id)
        granted = require(actor, case, deps.clock.today(), Permission.VIEW_SCHEDULE)
        if not _shown(case, granted):
            return None
        expected = a.expected(case, deps.tz)
        people = await uow.people.get_many(m.person_id for m in expected)
        service = await uow.services.get(a.service_id)
    names = {pid: p.display_name for pid, p in people.items()}
    return codes_view(case, a, service, expected, names, deps.tz)


def loaded_appointment_codes(loaded: LoadedAppointment, tz: ZoneInfo) -> CodesView | None:
    """`appointment_codes` from what the appointment page loaded and authorized already."""
    if not _shown(loaded.case, loaded.granted):
        return None
    a, case = loaded.appointment, loaded.case
    return codes_view(case, a, loaded.service, loaded.expected, loaded.names, tz)


def _shown(case: Case, granted: frozenset[Permission]) -> bool:
    return Permission.VIEW_BILLING in granted and case.policy.allows(RecordType.BILLING_CODE)
