"""Events of billing."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.scheduling.events import AppointmentEvent
from core.domain.shared.audit import AuditAction
from core.domain.shared.codes import CodeLine


@dataclass(frozen=True, kw_only=True)
class CodesConfirmed(AppointmentEvent):
    audited = (AuditAction.CHANGE, "billing_codes", "appointment_id")
    codes: tuple[CodeLine, ...]
