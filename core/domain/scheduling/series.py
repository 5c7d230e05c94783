"""Recurring series: weekly or every N weeks, expanded in the practice's timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.scheduling.appointments import ChangeMark
from core.domain.scheduling.services import check_minutes
from core.domain.scheduling.times import LAST_DAY, check_day, local_date
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.values import CaseId

MAX_OCCURRENCES = 260  # five years of weekly sessions


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
