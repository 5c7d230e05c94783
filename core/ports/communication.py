"""What communication needs from the world: senders for each channel, and the outbox.

Senders take a batch, so that an adapter can reuse one connection (SMTP) or one HTTP client (an
SMS provider) for everything the worker claimed; they answer per message — to `answered` as soon
as the provider has answered it, so the worker records it while the next one is sent — and raise
only when the whole batch could not be tried (then every message of it counts as one failed try).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from core.domain.communication.links import LinkUse, SessionLink
from core.domain.communication.messages import (
    DeliveryState,
    Email,
    OutboundMessage,
    SendResult,
    Sms,
)
from core.domain.communication.templates import MessageTemplates
from core.domain.directory.parties import Channel
from core.ports.shared import Transaction

Answered = Callable[[SendResult], None]


class EmailSender(Protocol):
    async def send_all(
        self, emails: Sequence[Email], answered: Answered | None = None
    ) -> list[SendResult]: ...


class SmsSender(Protocol):
    async def send_all(
        self, texts: Sequence[Sms], answered: Answered | None = None
    ) -> list[SendResult]: ...


class InboundSmsVerifier(Protocol):
    """Whether an inbound-SMS webhook call really comes from the provider (Twilio signs each
    request with the account's token over the URL and the form)."""

    def verify(self, url: str, form: Mapping[str, str], signature: str) -> bool: ...


class DeliveryFailed(Exception):
    """A whole batch could not be tried (the server is down, the credentials are refused)."""


class Outbox(Protocol):
    """Messages waiting for delivery, in the practice's database (so a message is queued in the
    transaction of the change that causes it, and a rolled-back change queues nothing)."""

    async def queue(self, message: OutboundMessage) -> bool:
        """Queue a message unless one with its delivery key exists; True if it was queued."""
        ...

    async def drop_to(self, channel: Channel, recipient: str) -> int:
        """Drop the pending messages to this address on this channel (an SMS opt-out)."""
        ...

    async def drop_expired(self, now: datetime) -> int:
        """Drop the pending messages that expired (a session's that has begun)."""
        ...

    async def drop(self, delivery_key_prefix: str) -> int:
        """Drop the pending messages whose key starts with the prefix (a cancelled session's
        reminders); sent ones stay. Returns how many were dropped."""
        ...

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[OutboundMessage]:
        """Take up to `limit` due messages for delivery, counting a try on each: nobody else
        claims them until `now + lease` (a worker that died mid-batch gives them back then).
        Two workers claiming at once get disjoint batches."""
        ...

    async def record(
        self, message_id: UUID, result: SendResult, at: datetime, retry_at: datetime | None
    ) -> None:
        """Record the provider's answer: sent; or failed, to be tried again at `retry_at`, or
        (None) undelivered."""
        ...

    async def record_many(
        self, answers: Sequence[tuple[UUID, SendResult, datetime | None]], at: datetime
    ) -> None:
        """`record` for many answers (message id, answer, retry_at), in as few statements as
        the store can (the worker records what arrived since its last write at once)."""
        ...

    async def get(self, message_id: UUID) -> OutboundMessage | None: ...

    async def listing(
        self, states: Sequence[DeliveryState], limit: int = 200
    ) -> list[OutboundMessage]:
        """Messages in these states, newest first (e.g. the undelivered list)."""
        ...

    async def count(self, state: DeliveryState) -> int: ...

    async def retry(self, message_id: UUID, at: datetime) -> bool:
        """Put an undelivered message back in the queue, due at `at`, with fresh tries."""
        ...

    async def mark_handled(self, message_id: UUID, by: UUID) -> bool: ...


class TemplateRenderer(Protocol):
    """Renders the owner's message templates safely: only the values given, no attribute or
    method of anything reachable, no file or import (a Jinja sandbox)."""

    def render(self, source: str, values: Mapping[str, str]) -> str:
        """The text; raises InvalidInput for a template that cannot be rendered."""
        ...

    def problem(self, source: str, allowed: Collection[str]) -> str | None:
        """What is wrong with a template (bad syntax, a name not allowed), or None."""
        ...


class MessageTemplateRepository(Protocol):
    async def get(self) -> MessageTemplates | None: ...

    async def save(self, templates: MessageTemplates) -> None:
        """Insert (version 0) or update guarded by the version (ConcurrencyConflict)."""
        ...


class SessionLinkRepository(Protocol):
    async def add_many(self, links: Iterable[SessionLink]) -> None: ...

    async def by_hash(self, token_hash: str) -> SessionLink | None: ...

    async def drop_expired(self, now: datetime) -> int:
        """Drop the links never used whose session has begun (used ones are the record of a
        confirmation or a cancellation, and stay)."""
        ...

    async def use(self, link_id: UUID, at: datetime, use: LinkUse) -> bool:
        """Use the link, once: False when it was used already (a second click, two tabs), as
        one statement so two uses at once cannot both succeed."""
        ...

    async def confirmed(self, appointment_ids: Collection[UUID]) -> dict[UUID, list[SessionLink]]:
        """The confirmations of these sessions, by session (those of an earlier time of a
        session that moved included: the caller compares `start`)."""
        ...


class CommunicationStore(Transaction, Protocol):
    @property
    def outbox(self) -> Outbox: ...
    @property
    def templates(self) -> MessageTemplateRepository: ...
    @property
    def session_links(self) -> SessionLinkRepository: ...
