"""How the practice schedules: its locations, the telehealth link sessions get by default, the
hours its calendar shows, when reminders go out and when a cancellation counts as late."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from uuid import UUID

from core.domain.directory.parties import Channel  # the one channel vocabulary of messages
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent, EventLog
from core.domain.shared.values import clean_name, clean_text

# The practice's scheduling policy is one row, named by the practice's id (see
# core.domain.directory.practice.PRACTICE_ID; scheduling keeps its own copy of the value so that
# it needs nothing of the directory's model to store it).
POLICY_ID = UUID("00000000-0000-4000-8000-0000000000a1")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_REMINDERS = 3
MAX_REMINDER_HOURS = 14 * 24  # two weeks ahead: earlier than that, nobody remembers it either
MAX_LATE_CANCEL_HOURS = 7 * 24
MAX_URL = 500
_URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[^\s<>\"']*)?")


def clean_https_url(value: str | None, *, field: str) -> str | None:
    """An https address (a video room's), or None when empty. Only https: the link goes into
    reminders to clients, and a plain-http or javascript: link must never reach them."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if len(cleaned) > MAX_URL or not _URL.fullmatch(cleaned):
        raise InvalidInput(
            "Enter the full https:// address of the video room (https://meet.example.com/room).",
            field=field,
        )
    return cleaned


@dataclass(frozen=True, kw_only=True)
class LocationAdded(DomainEvent):
    audited = (AuditAction.CREATE, "location", "location_id")
    location_id: UUID


@dataclass(frozen=True, kw_only=True)
class LocationChanged(DomainEvent):
    audited = (AuditAction.CHANGE, "location", "location_id")
    location_id: UUID
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class Location:
    """A room or office where sessions are held. Retired, never deleted: sessions held there
    keep its name."""

    id: UUID
    name: str
    address: str = ""
    active: bool = True
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="The location's name")
        self.address = clean_text(self.address, field="address", limit=500)

    def change(self, *, name: str, address: str, active: bool) -> None:
        wanted = Location(id=self.id, name=name, address=address, active=active)
        changed = tuple(
            f for f in ("name", "address", "active") if getattr(self, f) != getattr(wanted, f)
        )
        self.name, self.address, self.active = wanted.name, wanted.address, wanted.active
        if changed:
            self.events.record(LocationChanged(location_id=self.id, fields=changed))


@dataclass(frozen=True, slots=True)
class DayHours:
    """The hours a calendar shows for one weekday: [opens, closes)."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise InvalidInput("The calendar closes after it opens.")
        if self.opens.minute % 30 or self.closes.minute % 30:
            raise InvalidInput("Hours start and end on the hour or the half hour.")


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """One reminder: this many hours before a session, by this channel."""

    hours_before: int
    channel: Channel

    def __post_init__(self) -> None:
        if not 1 <= self.hours_before <= MAX_REMINDER_HOURS:
            raise InvalidInput(
                f"A reminder goes 1 to {MAX_REMINDER_HOURS} hours before the session."
            )
        object.__setattr__(self, "channel", Channel(self.channel))
        if self.channel is Channel.NONE:
            raise InvalidInput("A reminder goes by email or by SMS.")


def _default_hours() -> tuple[DayHours | None, ...]:
    # What the calendar's grid shows until the practice says: 08:00-18:00 every day (sessions
    # outside them widen the grid of their day).
    return tuple(DayHours(time(8), time(18)) for _ in WEEKDAYS)


def _default_reminders() -> tuple[ReminderRule, ...]:
    return (ReminderRule(48, Channel.EMAIL), ReminderRule(24, Channel.SMS))


@dataclass(frozen=True, kw_only=True)
class SchedulingPolicyChanged(DomainEvent):
    audited = (AuditAction.CHANGE, "scheduling_policy", "policy_id")
    policy_id: UUID = POLICY_ID
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class SchedulingPolicy:
    """The practice's scheduling settings. Until the owner saves them, the defaults: 08:00 to
    18:00 every day, reminders 48 h ahead by email and 24 h by SMS, a cancellation later than
    24 hours ahead is late, no telehealth link."""

    hours: tuple[DayHours | None, ...] = field(default_factory=_default_hours)  # Monday first
    reminders: tuple[ReminderRule, ...] = field(default_factory=_default_reminders)
    late_cancel_hours: int = 24
    telehealth_link: str | None = None
    id: UUID = POLICY_ID
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.hours) != len(WEEKDAYS):
            raise InvalidInput("The calendar's hours are given for each of the seven days.")
        if not any(self.hours):
            raise InvalidInput("The calendar is open on one day at least.", field="hours")
        if len(self.reminders) > MAX_REMINDERS:
            raise InvalidInput(f"At most {MAX_REMINDERS} reminders.", field="reminders")
        if len({r.hours_before for r in self.reminders}) != len(self.reminders):
            raise InvalidInput("Two reminders at the same time.", field="reminders")
        self.reminders = tuple(sorted(self.reminders, key=lambda r: -r.hours_before))
        if not 0 <= self.late_cancel_hours <= MAX_LATE_CANCEL_HOURS:
            raise InvalidInput(
                f"The late-cancellation window is 0 to {MAX_LATE_CANCEL_HOURS} hours.",
                field="late_cancel_hours",
            )
        self.telehealth_link = clean_https_url(self.telehealth_link, field="telehealth_link")

    def hours_on(self, weekday: int) -> DayHours | None:
        """The calendar's hours on a weekday (0: Monday, as `date.weekday()`)."""
        return self.hours[weekday]

    @property
    def widest_hours(self) -> DayHours:
        """One range covering every open day: what a week's grid shows."""
        open_days = [h for h in self.hours if h is not None]
        return DayHours(min(h.opens for h in open_days), max(h.closes for h in open_days))

    def change(self, **wanted_values: object) -> None:
        """Set some of hours, reminders, late_cancel_hours and telehealth_link, checked together
        as a whole policy; the event names what changed."""
        current = {f: getattr(self, f) for f in _POLICY_FIELDS}
        wanted = SchedulingPolicy(**{**current, **wanted_values})
        changed = tuple(f for f in _POLICY_FIELDS if current[f] != getattr(wanted, f))
        for f in _POLICY_FIELDS:
            setattr(self, f, getattr(wanted, f))
        if changed:
            self.events.record(SchedulingPolicyChanged(fields=changed))


_POLICY_FIELDS = ("hours", "reminders", "late_cancel_hours", "telehealth_link")
