"""Events of billing."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.scheduling.events import AppointmentEvent
from core.domain.shared.codes import CodeLine


@dataclass(frozen=True, kw_only=True)
class CodesConfirmed(AppointmentEvent):
    codes: tuple[CodeLine, ...]
