"""The clinician confirms a session's billing codes: Hearth suggests, the clinician decides."""

from __future__ import annotations

from collections.abc import Iterable

from core.domain.billing.events import CodesConfirmed
from core.domain.cases.case import Case
from core.domain.cases.kinds import RecordType
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import InvariantViolation


def confirm_codes(appointment: Appointment, case: Case, lines: Iterable[CodeLine]) -> None:
    """The clinician's codes for this session of `case`, whose kind must have them."""
    if case.id != appointment.case_id:
        raise InvariantViolation("These codes are for another case's session.")
    case.policy.require(RecordType.BILLING_CODE)
    if appointment.status is not AppointmentStatus.COMPLETED:
        raise InvariantViolation(
            "Codes are confirmed for a session that took place.", field="codes"
        )
    appointment.codes = tuple(lines)
    appointment.events.record(
        CodesConfirmed.about(
            appointment,
            codes=appointment.codes,
        )
    )
