"""The practice itself: its name, address, phone and timezone (what "today" and "Tuesday
18:00" mean for everyone who works there)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent, EventLog
from core.domain.shared.values import clean_name, clean_phone, clean_text

# One practice per installation: its settings are one row, found by this id (the audit log
# names an object by id, and every settings row of the practice uses the same one).
PRACTICE_ID = UUID("00000000-0000-4000-8000-0000000000a1")
MAX_ADDRESS = 500
DETAILS = ("name", "address", "phone", "timezone", "currency", "tax_id")


def check_timezone(name: str, *, field: str = "timezone") -> str:
    """An IANA timezone name ("Europe/Berlin"), as zoneinfo knows it. Paths and the legacy
    aliases zoneinfo also opens ("localtime", "posixrules") are not timezones of a place."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("Choose the practice's timezone.", field=field)
    message = f"'{cleaned[:60]}' is not a timezone; use a name such as America/New_York."
    if cleaned not in _zone_names():
        raise InvalidInput(message, field=field)
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(message, field=field) from None
    return cleaned


_ZONES: frozenset[str] | None = None
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})  # files of the tz database


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:  # reading the tz database's file list takes a few milliseconds: once
        _ZONES = frozenset((available_timezones() | {"UTC"}) - _NOT_PLACES)
    return _ZONES


def timezone_names() -> list[str]:
    """Every timezone a practice may choose, sorted: what the form offers."""
    return sorted(_zone_names())


@dataclass(frozen=True, kw_only=True)
class PracticeChanged(DomainEvent):
    """The owner changed the practice's details; `fields` names what changed."""

    audited = (AuditAction.CHANGE, "practice", "practice_id")
    practice_id: UUID = PRACTICE_ID
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class Practice:
    """The practice's details. A new installation has one with no name and the timezone of
    its configuration (HEARTH_TIMEZONE) until the owner saves the settings."""

    name: str
    timezone: str
    address: str = ""
    phone: str | None = None
    currency: str = "USD"  # what the practice's fees are in (ISO 4217)
    tax_id: str = ""  # printed on invoices (EIN, VAT number...)
    id: UUID = PRACTICE_ID
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="The practice's name", required=False)
        self.address = clean_text(self.address, field="address", limit=MAX_ADDRESS)
        self.phone = clean_phone(self.phone, field="phone")
        self.timezone = check_timezone(self.timezone)
        self.tax_id = clean_name(self.tax_id, field="tax_id", what="The tax id", required=False)
        self.currency = self.currency.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise InvalidInput("A currency is a three-letter code such as USD.", field="currency")

    @classmethod
    def new(cls, timezone: str) -> Practice:
        return cls(name="", timezone=timezone)

    def change(
        self,
        *,
        name: str,
        address: str,
        phone: str | None,
        timezone: str,
        currency: str,
        tax_id: str = "",
    ) -> None:
        """Change the details (each checked as on creation); the event names what changed."""
        if not " ".join(name.split()):
            raise InvalidInput("The practice's name is required.", field="name")
        wanted = Practice(
            name=name,
            address=address,
            phone=phone,
            timezone=timezone,
            currency=currency,
            tax_id=tax_id,
        )
        changed = tuple(f for f in DETAILS if getattr(self, f) != getattr(wanted, f))
        for f in DETAILS:
            setattr(self, f, getattr(wanted, f))
        if changed:
            self.events.record(PracticeChanged(fields=changed))
