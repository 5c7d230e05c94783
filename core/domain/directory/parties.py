"""The parties of a practice: people, organizations and staff members.

A person is stored once, whatever number of cases they are in or pay for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import EventLog
from core.domain.shared.restored import restored
from core.domain.shared.values import (
    OrganizationId,
    PersonId,
    StaffId,
    clean_email,
    clean_name,
    clean_phone,
    clean_text,
)


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    NONE = "none"


_CHANNEL = {c.value: c for c in Channel}


# A stored address or number still goes through its cleaner (one stored before the cleaner
# existed, or before it was stricter, comes out as a new one would), once per value and
# process: email-validator and phonenumbers on every person loaded were most of loading them.
@functools.lru_cache(maxsize=16_384)
def _stored_email(value: str) -> str | None:
    return clean_email(value)


@functools.lru_cache(maxsize=16_384)
def _stored_phone(value: str, field: str) -> str | None:
    return clean_phone(value, field=field)


def _email(value: str | None) -> str | None:
    return None if value is None else _stored_email(value)


def _phone(value: str | None, field: str = "mobile") -> str | None:
    return None if value is None else _stored_phone(value, field)


@dataclass(slots=True)
class Person:
    id: PersonId
    legal_name: str
    preferred_name: str = ""
    pronouns: str = ""
    date_of_birth: date | None = None
    email: str | None = None
    mobile: str | None = None
    address: str = ""
    preferred_channel: Channel = Channel.NONE
    sms_consent: bool = False
    # When and how the consent (or its withdrawal) was last recorded: texts need proof of it.
    sms_consent_at: datetime | None = None
    sms_consent_source: str = ""  # "staff: Dr. Lee", "SMS STOP", "SMS START"
    version: int = 0
    # What happened since it was loaded: not state, not an argument, not compared.
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.legal_name = clean_name(self.legal_name, field="legal_name", what="Legal name")
        self.preferred_name = clean_name(
            self.preferred_name, field="preferred_name", what="Preferred name", required=False
        )
        self.pronouns = clean_name(self.pronouns, field="pronouns", what="Pronouns", required=False)
        self.email = clean_email(self.email)
        self.mobile = clean_phone(self.mobile)
        self.address = clean_text(self.address, field="address", limit=500)
        self.preferred_channel = Channel(self.preferred_channel)
        if self.preferred_channel is not Channel.NONE:
            self.check_channel(self.preferred_channel, field="preferred_channel")

    @classmethod
    def restored(cls, **stored: Any) -> Person:
        """A person as a store gives it back (`restored`): its names and address are not
        checked again; its email and mobile go through their (cached) cleaners."""
        stored["preferred_channel"] = _CHANNEL[stored["preferred_channel"]]
        stored["email"] = _email(stored["email"])
        stored["mobile"] = _phone(stored["mobile"])
        return restored(cls, stored)

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    def check_channel(self, channel: Channel, *, field: str = "channel") -> None:
        """A channel is only usable when the person has the address and consent for it."""
        if channel is Channel.EMAIL and not self.email:
            raise InvalidInput(f"{self.display_name} has no email address.", field=field)
        if channel is Channel.SMS and not (self.mobile and self.sms_consent):
            raise InvalidInput(
                f"{self.display_name} needs a mobile number and consent to SMS for text messages.",
                field=field,
            )


@dataclass(slots=True)
class Organization:
    """A party that is not a person: a sponsoring agency, an EAP, a school."""

    id: OrganizationId
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    contact_person: str = ""
    version: int = 0

    @classmethod
    def restored(cls, **stored: Any) -> Organization:
        """An organization as a store gives it back (see `Person.restored`)."""
        stored["email"] = _email(stored["email"])
        stored["phone"] = _phone(stored["phone"], "phone")
        return restored(cls, stored)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="Organization name")
        self.email = clean_email(self.email)
        self.phone = clean_phone(self.phone, field="phone")
        self.address = clean_text(self.address, field="address", limit=500)
        self.contact_person = clean_name(
            self.contact_person, field="contact_person", what="Contact person", required=False
        )


class StaffRole(StrEnum):
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"
    OWNER = "owner"


class Licensure(StrEnum):
    LICENSED = "licensed"
    ASSOCIATE = "associate"


@dataclass(slots=True)
class StaffMember:
    """A user of the practice. Roles decide what they may see and do (see `access`).

    `supervisor_id` is an associate's default supervisor; `supports` lists the clinicians an
    administrator supports for all of their cases.
    """

    id: StaffId
    name: str
    email: str
    roles: frozenset[StaffRole]
    licensure: Licensure = Licensure.LICENSED
    supervisor_id: StaffId | None = None
    supports: frozenset[StaffId] = field(default_factory=frozenset)
    active: bool = True
    version: int = 0

    @classmethod
    def restored(cls, **stored: Any) -> StaffMember:
        """A staff member as a store gives it back (see `Person.restored`): the signed-in
        staff member is read on every request, and parsing their email address again was a
        tenth of a light request's CPU."""
        stored["roles"] = frozenset(StaffRole(r) for r in stored["roles"])
        stored["licensure"] = Licensure(stored["licensure"])
        return restored(cls, stored)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name")
        email = clean_email(self.email)
        if email is None:
            raise InvalidInput("A staff member signs in with an email address.", field="email")
        self.email = email
        self.roles = frozenset(StaffRole(r) for r in self.roles)
        self.licensure = Licensure(self.licensure)
        self.supports = frozenset(self.supports)
        if not self.roles:
            raise InvalidInput("A staff member needs at least one role.", field="roles")
        if self.supervisor_id == self.id:
            raise InvalidInput("Nobody supervises themselves.", field="supervisor_id")
        if self.supports and StaffRole.ADMINISTRATOR not in self.roles:
            raise InvalidInput(
                "Only administrators support other clinicians' work.", field="supports"
            )

    def has(self, role: StaffRole) -> bool:
        return role in self.roles

    @property
    def is_clinician(self) -> bool:
        return StaffRole.CLINICIAN in self.roles

    @property
    def is_associate(self) -> bool:
        return self.is_clinician and self.licensure is Licensure.ASSOCIATE
