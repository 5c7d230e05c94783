"""An appointment of a case: when, who provides it, its status and per-participant attendance, and
the no-overlap rule for providers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.case import Case, Membership
from core.domain.scheduling.services import MAX_MINUTES, check_minutes
from core.domain.scheduling.times import local_date, overlaps
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import DomainError, InvalidInput, InvariantViolation
from core.domain.shared.events import EventLog
from core.domain.shared.restored import restored
from core.domain.shared.values import CaseId, PersonId, StaffId, clean_name

MAX_PROVIDERS = 4


# No appointment lasts longer (checked on every one): a store looking for the appointments that
# overlap a span needs only those starting after `span start - LONGEST_APPOINTMENT`, an index
# range, instead of every appointment since the first.
LONGEST_APPOINTMENT = timedelta(minutes=MAX_MINUTES)


class DoubleBooking(DomainError):
    """A provider would be in two overlapping appointments."""

    code = "double_booking"

    def __init__(
        self,
        provider_id: StaffId,
        start: datetime,
        end: datetime,
        *,
        who: str = "This provider",
        tz: ZoneInfo | None = None,
    ) -> None:
        local_start, local_end = (t.astimezone(tz or UTC) for t in (start, end))
        zone = "" if tz is not None else " UTC"
        super().__init__(
            f"{who} already has an appointment on {local_start:%a %d %b %Y} from "
            f"{local_start:%H:%M} to {local_end:%H:%M}{zone}. Choose another time.",
            field="start",
        )
        self.provider_id = provider_id
        self.start = start
        self.end = end


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def holds_slot(self) -> bool:
        """Cancelled appointments, late or not, free the provider's time."""
        return self not in (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED)


# The statuses that take a provider's time; the PostgreSQL exclusion constraint uses the same set.
SLOT_HOLDING = frozenset(s for s in AppointmentStatus if s.holds_slot)


class Attendance(StrEnum):
    """What one expected participant did about one session."""

    ATTENDED = "attended"
    ABSENT = "absent"  # excused, announced in time
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# Marks that say something about a session that took place, so they wait for its start.
_AFTER_START = frozenset({Attendance.ATTENDED, Attendance.NO_SHOW})


@dataclass(frozen=True, slots=True)
class ChangeMark:
    """Who changed an appointment last: who really did it, and for which clinician."""

    actor_id: StaffId | None
    at: datetime
    on_behalf_of: StaffId | None = None


@dataclass(slots=True)
class Appointment:
    id: UUID
    case_id: CaseId
    start: datetime
    end: datetime
    providers: tuple[StaffId, ...]  # the first renders the service; others co-treat
    service_id: UUID
    created: ChangeMark
    location: str = ""
    telehealth: bool = False
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    supervisor_override: StaffId | None = None
    series_id: UUID | None = None
    attendance: dict[PersonId, Attendance] = field(default_factory=dict)
    codes: tuple[CodeLine, ...] | None = None  # confirmed by the clinician; None: not yet
    changed: ChangeMark | None = None
    version: int = 0
    # What happened since it was loaded: not state, not an argument, not compared.
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @classmethod
    def restored(cls, **stored: Any) -> Appointment:
        """An appointment as a store gives it back (`restored`): what it holds was checked
        when it was written, and a calendar or a case's attendance grid loads a few hundred."""
        stored["start"] = stored["start"].astimezone(UTC)
        stored["end"] = stored["end"].astimezone(UTC)
        return restored(cls, stored)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidInput("Appointment times need a timezone.", field="start")
        self.start = self.start.astimezone(UTC)
        self.end = self.end.astimezone(UTC)
        if self.end <= self.start:
            raise InvalidInput("The appointment ends before it starts.", field="end")
        check_minutes(self.minutes, field="end")
        if self.end - self.start > LONGEST_APPOINTMENT:  # `minutes` leaves the seconds out
            check_minutes(MAX_MINUTES + 1, field="end")
        self.status = AppointmentStatus(self.status)
        self.providers = tuple(dict.fromkeys(self.providers))
        if not 1 <= len(self.providers) <= MAX_PROVIDERS:
            raise InvalidInput(
                f"An appointment has 1 to {MAX_PROVIDERS} providers.", field="provider_ids"
            )
        self.location = clean_name(self.location, field="location", required=False)
        self.attendance = {PersonId(k): Attendance(v) for k, v in self.attendance.items()}

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def holds_slot(self) -> bool:
        return self.status.holds_slot

    @property
    def provider(self) -> StaffId:
        return self.providers[0]

    def local_day(self, tz: ZoneInfo) -> date:
        return local_date(self.start, tz)

    def expected(self, case: Case, tz: ZoneInfo) -> list[Membership]:
        """The case's members on the session's date: a later joiner is expected from the date
        they joined, a leaver no longer after the day they left."""
        return case.members_on(self.local_day(tz))

    def attended_ids(self, expected: Sequence[Membership]) -> set[PersonId]:
        ids = {m.person_id for m in expected}
        return {p for p, a in self.attendance.items() if a is Attendance.ATTENDED and p in ids}

    def touch(self, mark: ChangeMark) -> None:
        self.changed = mark

    # ----- moving and changing -------------------------------------------------------------------

    def require_scheduled(self, doing: str) -> None:
        if self.status is not AppointmentStatus.SCHEDULED:
            raise InvariantViolation(
                f"This appointment is {self.status.label}; only a scheduled one can be {doing}.",
                field="status",
            )

    def reschedule(
        self,
        *,
        start: datetime,
        end: datetime,
        providers: tuple[StaffId, ...],
        service_id: UUID,
        location: str,
        telehealth: bool,
        supervisor_override: StaffId | None,
    ) -> None:
        self.require_scheduled("changed")
        if any(a in _AFTER_START for a in self.attendance.values()) and start != self.start:
            raise InvariantViolation(
                "Attendance is recorded for this session; it cannot move.", field="start"
            )
        self.start, self.end, self.providers = start, end, providers
        self.service_id, self.location, self.telehealth = service_id, location, telehealth
        self.supervisor_override = supervisor_override
        self.__post_init__()

    # ----- attendance and status -----------------------------------------------------------------

    def record_attendance(
        self,
        person_id: PersonId,
        mark: Attendance | None,
        expected: Sequence[Membership],
        now: datetime,
    ) -> None:
        """Set (or with None, clear) one expected participant's attendance; the status follows
        once everyone expected has a mark."""
        if self.status is AppointmentStatus.CANCELLED:
            raise InvariantViolation(
                "This appointment was cancelled; it has no attendance.", field="attendance"
            )
        if person_id not in {m.person_id for m in expected}:
            raise InvalidInput(
                "Only the case's participants on the session's date are expected at it.",
                field="person_id",
            )
        if mark is None:
            self.attendance.pop(person_id, None)
        else:
            mark = Attendance(mark)
            if mark in _AFTER_START and now < self.start:
                raise InvariantViolation(
                    f"'{mark.label}' can be recorded once the session has begun.",
                    field="attendance",
                )
            self.attendance[person_id] = mark
        self._follow_attendance(expected)

    def _follow_attendance(self, expected: Sequence[Membership]) -> None:
        marks = [self.attendance.get(m.person_id) for m in expected]
        if Attendance.ATTENDED in marks:
            self.status = AppointmentStatus.COMPLETED
        elif marks and None not in marks and Attendance.ABSENT not in marks:
            # Nobody came and nobody was excused: a no-show, or a late cancellation when
            # everyone cancelled late. (All excused stays for the clinician to cancel.)
            late = all(m is Attendance.LATE_CANCELLED for m in marks)
            self.status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.NO_SHOW
        elif self.status is AppointmentStatus.COMPLETED or None in marks:
            self.status = AppointmentStatus.SCHEDULED

    def set_status(
        self, status: AppointmentStatus, expected: Sequence[Membership], now: datetime
    ) -> None:
        """Set the status by hand. Completed, late-cancelled and no-show apply to every
        expected participant without a mark yet (mark the absentees, then "completed");
        cancelling forgets the marks."""
        status = AppointmentStatus(status)
        attended = bool(self.attended_ids(expected))
        if status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW) and now < self.start:
            raise InvariantViolation(
                f"An appointment can be marked {status.label} once it has begun.", field="status"
            )
        if status is not AppointmentStatus.COMPLETED and attended:
            raise InvariantViolation(
                f"Someone attended this session, so it cannot be {status.label}. "
                "Correct the attendance first.",
                field="status",
            )
        if status is AppointmentStatus.CANCELLED:
            self.attendance.clear()
        fill = {
            AppointmentStatus.COMPLETED: Attendance.ATTENDED,
            AppointmentStatus.LATE_CANCELLED: Attendance.LATE_CANCELLED,
            AppointmentStatus.NO_SHOW: Attendance.NO_SHOW,
        }.get(status)
        if fill is not None:
            marks = {m.person_id: self.attendance.get(m.person_id, fill) for m in expected}
            if status is AppointmentStatus.COMPLETED and Attendance.ATTENDED not in marks.values():
                raise InvariantViolation(
                    "Nobody is marked as attending: a session without anyone is not completed.",
                    field="status",
                )
            self.attendance.update(marks)
        if status is AppointmentStatus.SCHEDULED:
            self.attendance = {p: a for p, a in self.attendance.items() if a not in _AFTER_START}
        self.status = status


def find_double_booking(
    candidates: Iterable[Appointment], existing: Iterable[Appointment]
) -> tuple[StaffId, Appointment] | None:
    """The first provider and existing appointment that a candidate would overlap, if any.

    Candidates are checked against each other as well (the occurrences of a new series), and an
    existing appointment with a candidate's id is that candidate's old version, not a clash.
    """
    new = [a for a in candidates if a.holds_slot]
    replaced = {a.id for a in new}
    by_provider: dict[StaffId, list[Appointment]] = defaultdict(list)
    for a in existing:
        if a.holds_slot and a.id not in replaced:
            for p in a.providers:
                by_provider[p].append(a)
    for a in new:
        for p in a.providers:
            for other in by_provider[p]:
                if overlaps(a.start, a.end, other.start, other.end):
                    return p, other
        for p in a.providers:
            by_provider[p].append(a)
    return None
