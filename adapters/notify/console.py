"""Senders for development: one log line per message — the channel, the purpose (the delivery
key's first part) and a hint of the address — never the content, which names people and times."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.domain.communication.messages import Email, SendResult, Sms

log = logging.getLogger("hearth.notify")


def _hint(address: str) -> str:
    """Enough to tell two test addresses apart, not enough to name anyone."""
    return f"{address[:1]}…{address[-4:]}" if len(address) > 6 else "…"


def _purpose(delivery_key: str) -> str:
    return delivery_key.partition(":")[0]


class ConsoleEmailSender:
    async def send_all(self, emails: Sequence[Email]) -> list[SendResult]:
        for e in emails:
            log.info(
                "email %s to %s (not sent: console adapter)", _purpose(e.delivery_key), _hint(e.to)
            )
        return [SendResult(e.message_id, provider_id="console") for e in emails]


class ConsoleSmsSender:
    async def send_all(self, texts: Sequence[Sms]) -> list[SendResult]:
        for s in texts:
            log.info(
                "sms %s to %s (not sent: console adapter)", _purpose(s.delivery_key), _hint(s.to)
            )
        return [SendResult(s.message_id, provider_id="console") for s in texts]
