"""Small value objects shared by the whole model: periods, money, identifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NewType
from uuid import UUID

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from core.domain.shared.errors import InvalidInput, PeriodConflict

PersonId = NewType("PersonId", UUID)
OrganizationId = NewType("OrganizationId", UUID)
StaffId = NewType("StaffId", UUID)
CaseId = NewType("CaseId", UUID)

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """A span of whole days. `end` is the last day included; None means still running.

    Inclusive ends read like people speak: "joined on 3 March, left on 30 June" means the person
    was in the case on both of those days.
    """

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise PeriodConflict(
                f"The end date {self.end.isoformat()} is before the start date "
                f"{self.start.isoformat()}.",
                field="end",
            )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )

    @property
    def is_open(self) -> bool:
        return self.end is None

    def ended_on(self, day: date) -> Period:
        return Period(self.start, day)


_CURRENCY = re.compile(r"[A-Z]{3}")
_CURRENCIES_SEEN: set[str] = set()


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units (cents) of an ISO 4217 currency."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        # Every amount loaded is checked: the codes seen valid are remembered (a practice has
        # one or two), so a statement's hundreds of entries skip the pattern.
        if self.currency not in _CURRENCIES_SEEN:
            if not _CURRENCY.fullmatch(self.currency):
                raise InvalidInput(f"'{self.currency}' is not a currency code.", field="currency")
            _CURRENCIES_SEEN.add(self.currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise InvalidInput("Amounts in different currencies cannot be added.")
        return Money(self.amount_minor + other.amount_minor, self.currency)


PHONE_REGION = "US"  # how a number typed without a country code is read
MAX_NAME = 200
MAX_TEXT = 2000


def clean_name(value: str, *, field: str, what: str = "Name", required: bool = True) -> str:
    """Trim, collapse inner whitespace and bound a human-entered name."""
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise InvalidInput(f"{what} is required.", field=field)
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"{what} must be at most {MAX_NAME} characters.", field=field)
    return cleaned


def clean_text(value: str, *, field: str, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise InvalidInput(f"This text must be at most {limit} characters.", field=field)
    return cleaned


def clean_email(value: str | None, *, field: str = "email") -> str | None:
    """An email address as typed, checked by email-validator (syntax only: no DNS lookup at
    typing time) and kept lower-case, so that the same address always compares equal."""
    if value is None or not value.strip():
        return None
    typed = value.strip()
    try:
        # test_environment: the reserved .test domain is accepted (tests and demos use it).
        checked = validate_email(typed, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise InvalidInput(f"'{typed[:60]}' is not an email address: {exc}", field=field) from None
    cleaned = checked.normalized.lower()
    if len(cleaned) > 254:
        raise InvalidInput(f"'{typed[:60]}' is not an email address.", field=field)
    return cleaned


def clean_phone(value: str | None, *, field: str = "mobile") -> str | None:
    """A phone number as typed, checked by phonenumbers and kept in E.164 (+15555550100), the
    form SMS providers and inbound messages use. A number without "+" and a country code is
    read as one of PHONE_REGION's."""
    if value is None or not value.strip():
        return None
    typed = value.strip()
    try:
        number = phonenumbers.parse(typed, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise InvalidInput(
            "This is not a phone number: give it with + and the country code, "
            "e.g. +1 202 555 0100.",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
