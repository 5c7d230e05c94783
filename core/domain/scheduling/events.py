"""Events of scheduling: sessions booked, moved, cancelled, attended, their status and codes.

A booking or a change of a series is one intent over several appointments; its event is
recorded on the first of them and says how many it covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self
from uuid import UUID

from core.domain.scheduling.appointments import Appointment, AppointmentStatus, Attendance
from core.domain.shared.audit import AuditAction
from core.domain.shared.events import DomainEvent
from core.domain.shared.values import CaseId, PersonId, StaffId


@dataclass(frozen=True, kw_only=True)
class AppointmentEvent(DomainEvent):
    audited = (AuditAction.CHANGE, "appointment", "appointment_ids")
    case_id: CaseId
    appointment_id: UUID  # the one the intent was about (the first of a series)
    start: datetime
    appointment_ids: tuple[UUID, ...] = ()  # every one it covered; () : just appointment_id

    def __post_init__(self) -> None:
        if not self.appointment_ids:
            object.__setattr__(self, "appointment_ids", (self.appointment_id,))

    @classmethod
    def about(cls, appointment: Appointment, **details: Any) -> Self:
        """The event about `appointment` as it is now (its case, id and start)."""
        return cls(
            case_id=appointment.case_id,
            appointment_id=appointment.id,
            start=appointment.start,
            **details,
        )


@dataclass(frozen=True, kw_only=True)
class AppointmentBooked(AppointmentEvent):
    audited = (AuditAction.CREATE, "appointment", "appointment_ids")
    service_id: UUID
    providers: tuple[StaffId, ...]
    sessions: int = 1
    series: str | None = None  # the series' rule in words ("every week until ...")


@dataclass(frozen=True, kw_only=True)
class AppointmentMoved(AppointmentEvent):
    service_id: UUID
    providers: tuple[StaffId, ...]
    minutes: int
    following: bool = False  # this and the following sessions of its series


@dataclass(frozen=True, kw_only=True)
class AppointmentCancelled(AppointmentEvent):
    late: bool = False
    sessions: int = 1


@dataclass(frozen=True, kw_only=True)
class AttendanceRecorded(AppointmentEvent):
    marks: tuple[tuple[PersonId, Attendance | None], ...]


@dataclass(frozen=True, kw_only=True)
class StatusSet(AppointmentEvent):
    status: AppointmentStatus
    before: AppointmentStatus


@dataclass(frozen=True, kw_only=True)
class UpcomingSessionsCancelled(DomainEvent):
    """The sessions still to come of a case that closed."""

    audited = (AuditAction.CHANGE, "appointment", "appointment_ids")
    case_id: CaseId
    appointment_ids: tuple[UUID, ...]
