"""Services, appointments, recurring series and per-participant attendance.

Instants are timezone-aware and kept in UTC; what a person calls "Tuesday 18:00" is read in the
practice's timezone, which is also where a weekly series repeats, so that it stays at 18:00 on
both sides of a daylight-saving change. Who is expected at a session is never stored: it is the
case's members on the session's local date, so a membership change reaches every appointment,
including those of a series that already exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.billing_codes import CodeLine, clean_code
from core.domain.case import Case, Membership
from core.domain.case_kinds import RecordType, ServiceLine, line_allows
from core.domain.errors import DomainError, InvalidInput, InvariantViolation
from core.domain.values import CaseId, Money, PersonId, StaffId, clean_name

MIN_MINUTES = 5
MAX_MINUTES = 12 * 60  # longer than this is a data-entry mistake, and keeps a weekly series
MAX_OCCURRENCES = 260  # five years of weekly sessions
MAX_PROVIDERS = 4
# The dates a schedule accepts: far beyond any practice's records and bookings, and far enough
# inside what the calendar can compute (a day before 0001-01-01 or after 9999-12-31 is an
# OverflowError, which would otherwise reach the person as an error page).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


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


def check_day(day: date, field: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            f"Choose a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}.", field=field
        )
    return day


def aware_utc(moment: datetime, tz: ZoneInfo, *, field: str = "start") -> datetime:
    """An instant in UTC. A naive value is a wall-clock time in the practice's timezone; one
    that does not exist there (skipped by a daylight-saving change) is refused."""
    check_day(moment.date(), field)
    if moment.tzinfo is None:
        local = moment.replace(tzinfo=tz)
        back = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != moment:
            raise InvalidInput(
                f"{moment:%H:%M} does not exist on {moment:%d %b %Y}: the clocks change that "
                "night. Choose another time.",
                field=field,
            )
        return local.astimezone(UTC)
    return moment.astimezone(UTC)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day (where midnight is skipped, the instant after the gap)."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: an appointment ending at 10:00 and one starting at 10:00 touch but
    do not overlap."""
    return a_start < b_end and b_start < a_end


# ----- services -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Service:
    """What the practice offers: a kind of work, its default length, its fee and, for
    psychotherapy, its billing code."""

    id: UUID
    name: str
    service_line: ServiceLine
    minutes: int
    fee: Money
    billing_code: str | None = None
    active: bool = True
    version: int = 0

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="Service name")
        self.service_line = ServiceLine(self.service_line)
        check_minutes(self.minutes)
        if self.fee.amount_minor < 0:
            raise InvalidInput("A fee is not negative.", field="fee")
        self.billing_code = clean_code(self.billing_code)
        if self.billing_code is not None and not line_allows(
            self.service_line, RecordType.BILLING_CODE
        ):
            raise InvalidInput(
                f"{self.service_line.value.capitalize()} services carry the practice's own name "
                "and fee, no billing code.",
                field="billing_code",
            )


def check_minutes(minutes: int, field: str = "minutes") -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"A session lasts from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours.",
            field=field,
        )


# ----- appointments -------------------------------------------------------------------------------


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

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidInput("Appointment times need a timezone.", field="start")
        self.start = self.start.astimezone(UTC)
        self.end = self.end.astimezone(UTC)
        if self.end <= self.start:
            raise InvalidInput("The appointment ends before it starts.", field="end")
        check_minutes(self.minutes, field="end")
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

    def confirm_codes(self, case: Case, lines: Iterable[CodeLine]) -> None:
        """The clinician's codes for this session of `case`, whose kind must have them."""
        if case.id != self.case_id:
            raise InvariantViolation("These codes are for another case's session.")
        case.policy.require(RecordType.BILLING_CODE)
        if self.status is not AppointmentStatus.COMPLETED:
            raise InvariantViolation(
                "Codes are confirmed for a session that took place.", field="codes"
            )
        self.codes = tuple(lines)


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


# ----- recurring series ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recurrence:
    """Every `every_weeks` weeks, until a date (inclusive, local) or for `count` sessions."""

    every_weeks: int = 1
    until: date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.every_weeks <= 52:
            raise InvalidInput("Repeat every 1 to 52 weeks.", field="every_weeks")
        if (self.until is None) == (self.count is None):
            raise InvalidInput(
                "A series ends on a date or after a number of sessions: give one of them.",
                field="until",
            )
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise InvalidInput(f"A series has 1 to {MAX_OCCURRENCES} sessions.", field="count")
        if self.until is not None:
            check_day(self.until, "until")

    def local_starts(self, first: datetime) -> list[datetime]:
        """Wall-clock starts (naive, practice time) from the first one."""
        step = timedelta(weeks=self.every_weeks)
        if self.until is not None and self.until < first.date():
            raise InvalidInput("The series ends before its first session.", field="until")
        starts: list[datetime] = []
        current = first
        while len(starts) < (self.count or MAX_OCCURRENCES + 1):
            if self.until is not None and current.date() > self.until:
                break
            starts.append(current)
            current += step
        if len(starts) > MAX_OCCURRENCES:
            raise InvalidInput(
                f"A series has at most {MAX_OCCURRENCES} sessions; choose an earlier end.",
                field="until",
            )
        if starts[-1].date() > LAST_DAY:
            raise InvalidInput(
                f"A series ends by {LAST_DAY.isoformat()}; choose fewer sessions.", field="count"
            )
        return starts


def expand(first_start: datetime, rule: Recurrence, tz: ZoneInfo) -> list[datetime]:
    """UTC starts of every session. The series repeats in wall-clock time: a weekly 18:00
    session is at 18:00 on both sides of a daylight-saving change (a start the change skips
    moves forward by the gap, as calendars do)."""
    first_local = first_start.astimezone(tz).replace(tzinfo=None)
    return [s.replace(tzinfo=tz).astimezone(UTC) for s in rule.local_starts(first_local)]


@dataclass(slots=True)
class Series:
    """A recurring appointment. Its sessions are stored appointments (so the no-overlap rule
    and attendance apply to each); the series keeps the rule they came from."""

    id: UUID
    case_id: CaseId
    first_start: datetime
    minutes: int
    rule: Recurrence
    timezone: str
    created: ChangeMark
    version: int = 0

    def __post_init__(self) -> None:
        if self.first_start.tzinfo is None:
            raise InvalidInput("The first session needs a timezone.", field="start")
        self.first_start = self.first_start.astimezone(UTC)
        check_minutes(self.minutes)
        ZoneInfo(self.timezone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def starts(self) -> list[datetime]:
        return expand(self.first_start, self.rule, self.tz)

    def describe(self) -> str:
        every = "Weekly" if self.rule.every_weeks == 1 else f"Every {self.rule.every_weeks} weeks"
        local = self.first_start.astimezone(self.tz)
        end = (
            f"until {self.rule.until.isoformat()}"
            if self.rule.until
            else f"{self.rule.count} sessions"
        )
        return f"{every} on {local:%A} at {local:%H:%M}, {end}"

    def end_before(self, day: date) -> None:
        """The series stops before `day` (local): it runs until the day before."""
        first_day = local_date(self.first_start, self.tz)
        if day <= first_day:
            raise InvariantViolation("The series starts on that day.", field="from")
        self.rule = Recurrence(self.rule.every_weeks, until=day - timedelta(days=1))

    def split_at(
        self, new_id: UUID, start: datetime, split_day: date, created: ChangeMark
    ) -> Series:
        """A new series whose first session is at `start`, with this one ending before
        `split_day`. The new one runs as long as this one would have."""
        last = self.starts()[-1]
        tail = Series(
            id=new_id,
            case_id=self.case_id,
            first_start=start,
            minutes=self.minutes,
            rule=Recurrence(
                self.rule.every_weeks,
                until=max(local_date(last, self.tz), local_date(start, self.tz)),
            ),
            timezone=self.timezone,
            created=created,
        )
        self.end_before(split_day)
        return tail
