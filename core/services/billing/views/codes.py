"""A session's billing codes: Hearth's suggestion with its reason, and what was confirmed.
Shown to those who see the case's money, for kinds of work that carry codes."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.domain.billing.codes import suggest_codes
from core.domain.cases.access import Actor, Permission, require
from core.domain.cases.case import Case, Membership
from core.domain.cases.kinds import RecordType
from core.domain.scheduling.appointments import Appointment
from core.domain.scheduling.services import Service
from core.domain.shared.codes import CODES, CodeLine
from core.domain.shared.errors import NotFound
from core.domain.shared.values import PersonId
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.use_case import View, staff_actor


class CodeLineView(View, frozen=True, kw_only=True):
    code: str
    description: str
    units: int
    person_id: PersonId | None
    person_name: str | None


class CodesView(View, frozen=True, kw_only=True):
    suggested: list[CodeLineView]
    reason: str
    confirmed: list[CodeLineView] | None  # None: not confirmed yet
    confirmed_differs: bool  # attendance changed since, or the clinician chose other codes


def codes_view(
    case: Case,
    a: Appointment,
    service: Service | None,
    expected: Sequence[Membership],
    names: dict[PersonId, str],
) -> CodesView:
    suggestion = suggest_codes(
        kind=case.kind,
        service_code=service.billing_code if service else None,
        minutes=a.minutes,
        expected=expected,
        attended_ids=a.attended_ids(expected),
    )

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

    return CodesView(
        suggested=lines(suggestion.lines),
        reason=suggestion.reason,
        confirmed=lines(a.codes) if a.codes is not None else None,
        confirmed_differs=a.codes is not None and a.codes != suggestion.lines,
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
        if Permission.VIEW_BILLING not in granted or not case.policy.allows(
            RecordType.BILLING_CODE
        ):
            return None
        expected = a.expected(case, deps.tz)
        people = await uow.people.get_many(m.person_id for m in expected)
        service = await uow.services.get(a.service_id)
    names = {pid: p.display_name for pid, p in people.items()}
    return codes_view(case, a, service, expected, names)
