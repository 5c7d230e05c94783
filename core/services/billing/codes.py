"""The treating clinician confirms a session's billing codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from core.domain.billing.codes import CodeSuggestion, suggest_codes
from core.domain.billing.confirmation import confirm_codes as confirm_codes_of
from core.domain.cases.access import Actor, Permission
from core.domain.cases.case import Case, Membership
from core.domain.scheduling.appointments import (
    Appointment,
)
from core.domain.scheduling.services import Service
from core.domain.scheduling.times import local_date
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId
from core.services.cases.changes import on_behalf_for
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.steps import _mark, load
from core.services.shared.bus import commit
from core.services.shared.use_case import Command


class CodeInput(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    units: int = 1
    person_id: PersonId | None = None


class ConfirmCodes(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    version: int
    codes: tuple[CodeInput, ...] | None = None  # None: confirm Hearth's suggestion
    option: int | None = None  # where Hearth asks: the option chosen (its position)


def suggestion_for(
    case: Case,
    a: Appointment,
    service: Service | None,
    expected: Sequence[Membership],
    tz: ZoneInfo,
) -> CodeSuggestion:
    """Hearth's suggestion for one session, with the identified client the case names then."""
    return suggest_codes(
        kind=case.kind,
        service_code=service.billing_code if service else None,
        minutes=a.minutes,
        expected=expected,
        attended_ids=a.attended_ids(expected),
        identified_client=case.identified_client_on(local_date(a.start, tz)),
    )


def _suggested_lines(suggestion: CodeSuggestion, option: int | None) -> tuple[CodeLine, ...]:
    """The lines confirmed "as suggested": the suggestion's, or the option chosen where Hearth
    asks (recomputed here, so an option posted for attendance since changed is refused)."""
    if option is None:
        if suggestion.asks:
            raise InvalidInput(
                f"{suggestion.reason} Hearth does not guess: pick one of the options.",
                field="codes",
            )
        return suggestion.lines
    if not suggestion.asks or not 0 <= option < len(suggestion.options):
        raise InvalidInput(
            "That choice is not offered any more (attendance changed?): choose again.",
            field="codes",
        )
    return suggestion.options[option].lines


async def confirm_codes(deps: SchedulingDeps, actor: Actor, cmd: ConfirmCodes) -> Appointment:
    """A clinician treating the case confirms the suggested codes, or states others (DOMAIN:
    "Hearth suggests and the clinician confirms"); an administrator does not."""
    async with deps.uow() as uow:
        appointment, ctx = await load(
            deps, uow, actor, cmd.appointment_id, Permission.WRITE_CLINICAL
        )
        appointment.version = cmd.version
        case = ctx.case
        expected = appointment.expected(case, deps.tz)
        if cmd.codes is None:
            service = await uow.services.get(appointment.service_id)
            suggestion = suggestion_for(case, appointment, service, expected, deps.tz)
            lines: Iterable[CodeLine] = _suggested_lines(suggestion, cmd.option)
        else:
            members = {m.person_id for m in expected}
            for c in cmd.codes:
                if c.person_id is not None and c.person_id not in members:
                    raise InvalidInput(
                        "A code line is for a participant expected at this session.",
                        field="person_id",
                    )
            lines = [CodeLine(c.code.strip(), c.units, c.person_id) for c in cmd.codes]
        confirm_codes_of(appointment, case, lines)
        appointment.touch(_mark(deps, ctx.actor, None))
        await uow.appointments.update(appointment)
        await commit(deps, uow, ctx.actor, on_behalf_of=on_behalf_for(deps, ctx.actor, case))
    return appointment
