"""An outbound message and its delivery: what the outbox holds between the change that caused
it and the provider's answer.

A message is addressed and rendered when it is queued (the worker only delivers), and carries a
`delivery_key` that names what it is for (e.g. `reminder:<appointment>:<person>:48h`): the
outbox stores one message per key, so a handler that runs twice, or two processes that queue the
same reminder, queue it once. Its content is clinical-adjacent (a name, a time, a place): it is
never logged; the undelivered list shows who, channel, when and why, not what.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from core.domain.directory.parties import Channel
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, PersonId

MAX_KEY = 200


class DeliveryState(StrEnum):
    PENDING = "pending"  # due now or later, or waiting for its next try
    SENT = "sent"  # the provider accepted it
    UNDELIVERED = "undelivered"  # out of tries, or refused for good: shown to the practice
    HANDLED = "handled"  # undelivered, and someone at the practice dealt with it


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: the n-th failure waits a random time up to
    `first * 2**(n-1)`, capped, so that many messages failing together (the mail server was
    down) do not all come back at the same second."""

    tries: int = 8
    first: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=2)

    def next_try(self, failures: int, now: datetime, rng: random.Random) -> datetime | None:
        """When to try again after `failures` failed tries; None when it is time to give up."""
        if failures >= self.tries:
            return None
        ceiling: timedelta = min(self.first * (2 ** (failures - 1)), self.cap)
        # At least a second: a zero wait would spin on a provider that fails at once.
        wait: timedelta = max(ceiling * rng.random(), timedelta(seconds=1))
        return now + wait


@dataclass(slots=True, kw_only=True)
class OutboundMessage:
    id: UUID
    delivery_key: str
    channel: Channel
    to: str  # an email address or an E.164 phone number
    subject: str  # email only; "" for SMS
    body: str  # plain text (the SMS itself, or the email's text part)
    html: str = ""  # the email's HTML part, if any
    # An iCalendar invitation or cancellation (RFC 5546) the email carries, if any.
    calendar: str = ""
    due_at: datetime
    # After this it is not worth sending (a reminder or notice of a session that has begun):
    # the worker's sweep drops it, pending, instead.
    expires_at: datetime | None = None
    created_at: datetime
    person_id: PersonId | None = None  # whom it is for, so the undelivered list can say who
    case_id: CaseId | None = None
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    last_error: str = ""  # the provider's answer, never the content
    provider_id: str = ""  # the provider's id of what it accepted
    sent_at: datetime | None = None
    handled_by: UUID | None = None

    def __post_init__(self) -> None:
        if not self.delivery_key or len(self.delivery_key) > MAX_KEY:
            raise InvalidInput(f"A delivery key is 1 to {MAX_KEY} characters.")
        if self.channel is Channel.NONE:
            raise InvalidInput("A message goes by email or SMS.")
        if not self.to:
            raise InvalidInput("A message needs an address.")
        if self.channel is Channel.EMAIL and not self.subject:
            raise InvalidInput("An email needs a subject.")


@dataclass(frozen=True, slots=True)
class Email:
    """What an email sender is handed: the message as the recipient sees it."""

    message_id: UUID
    delivery_key: str
    to: str
    subject: str
    text: str
    html: str = ""
    calendar: str = ""  # an .ics to attach (METHOD:REQUEST or METHOD:CANCEL inside)


@dataclass(frozen=True, slots=True)
class Sms:
    message_id: UUID
    delivery_key: str
    to: str
    text: str


@dataclass(frozen=True, slots=True)
class SendResult:
    """A provider's answer to one message: accepted (with its id), or refused with a reason —
    `permanent` when trying again cannot help (a malformed address, an unsubscribed number)."""

    message_id: UUID
    provider_id: str = ""
    error: str = ""
    permanent: bool = False

    @property
    def accepted(self) -> bool:
        return not self.error


def as_email(message: OutboundMessage) -> Email:
    return Email(
        message_id=message.id,
        delivery_key=message.delivery_key,
        to=message.to,
        subject=message.subject,
        text=message.body,
        html=message.html,
        calendar=message.calendar,
    )


def as_sms(message: OutboundMessage) -> Sms:
    return Sms(
        message_id=message.id, delivery_key=message.delivery_key, to=message.to, text=message.body
    )
