"""The confirm / cancel links made while planning messages, kept for the messages queued."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.domain.communication.links import LINK_PATH, SessionLink
from core.domain.communication.messages import OutboundMessage
from core.domain.communication.reminders import LinkMaker, Links, ReminderPolicy
from core.domain.scheduling.appointments import Appointment
from core.domain.shared.secrets import hash_secret, new_secret
from core.domain.shared.values import PersonId
from core.ports import UnitOfWork
from core.ports.shared import IdGenerator


class LinkBook:
    """The links made in one planning run, by delivery key, until their messages are queued."""

    def __init__(self, policy: ReminderPolicy, now: datetime, ids: IdGenerator) -> None:
        self._policy, self._now, self._ids = policy, now, ids
        self._made: dict[str, SessionLink] = {}

    @property
    def maker(self) -> LinkMaker | None:
        return self._make if self._policy.link_base else None

    def _make(self, appointment: Appointment, person_id: PersonId, key: str) -> Links:
        secret = new_secret()
        token_hash = hash_secret(secret)
        assert token_hash is not None  # new_secret's are always ours
        self._made[key] = SessionLink(
            id=self._ids.new(),
            appointment_id=appointment.id,
            person_id=person_id,
            start=appointment.start,
            token_hash=token_hash,
            created_at=self._now,
            expires_at=appointment.start,
        )
        url = f"{self._policy.link_base.rstrip('/')}{LINK_PATH}{secret}"
        return f"{url}?do=confirm", f"{url}?do=cancel"

    async def queue(self, uow: UnitOfWork, messages: Iterable[OutboundMessage]) -> int:
        """Queue the messages (each once, by key), and keep the links of those queued."""
        queued, kept = 0, []
        for message in messages:
            if await uow.outbox.queue(message):
                queued += 1
                if (link := self._made.get(message.delivery_key)) is not None:
                    kept.append(link)
        await uow.session_links.add_many(kept)
        self._made.clear()
        return queued
