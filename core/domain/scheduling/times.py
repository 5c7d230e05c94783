"""Instants and days of scheduling: aware UTC instants read in the practice's timezone, and the
range of days a schedule accepts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from core.domain.shared.errors import InvalidInput

# The dates a schedule accepts: far beyond any practice's records and bookings, and far enough
# inside what the calendar can compute (a day before 0001-01-01 or after 9999-12-31 is an
# OverflowError, which would otherwise reach the person as an error page).
FIRST_DAY = date(1900, 1, 1)


LAST_DAY = date(2199, 12, 31)


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
