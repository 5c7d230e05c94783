"""Senders that print instead of sending. By default one log line per message — the channel,
the purpose (the delivery key's first part) and a hint of the address — never the content,
which names people and times. With `show_content` (development only: `make run` on the demo
practice), the whole message is printed, so that a new user sees the reminders and can follow
a password-reset link."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.domain.communication.messages import Email, SendResult, Sms
from core.ports.communication import Answered

log = logging.getLogger("hearth.notify")


def _hint(address: str) -> str:
    """Enough to tell two test addresses apart, not enough to name anyone."""
    return f"{address[:1]}…{address[-4:]}" if len(address) > 6 else "…"


def _purpose(delivery_key: str) -> str:
    return delivery_key.partition(":")[0]


def _answer(results: list[SendResult], answered: Answered | None) -> list[SendResult]:
    for result in results:
        if answered is not None:
            answered(result)
    return results


def _show(channel: str, to: str, subject: str, text: str) -> None:
    print(f"--- {channel} to {to}" + (f": {subject}" if subject else ""), flush=True)
    print(text.rstrip(), flush=True)
    print("---", flush=True)


class ConsoleEmailSender:
    def __init__(self, show_content: bool = False) -> None:
        self._show = show_content

    async def send_all(
        self, emails: Sequence[Email], answered: Answered | None = None
    ) -> list[SendResult]:
        for e in emails:
            if self._show:
                attached = ""
                if e.calendar:
                    method = "CANCEL" if "METHOD:CANCEL" in e.calendar else "REQUEST"
                    attached = f"\n[attached: {method.lower()} .ics, {len(e.calendar)} bytes]"
                _show("email", e.to, e.subject, e.text + attached)
                continue
            log.info(
                "email %s to %s (not sent: console adapter)", _purpose(e.delivery_key), _hint(e.to)
            )
        return _answer([SendResult(e.message_id, provider_id="console") for e in emails], answered)


class ConsoleSmsSender:
    def __init__(self, show_content: bool = False) -> None:
        self._show = show_content

    async def send_all(
        self, texts: Sequence[Sms], answered: Answered | None = None
    ) -> list[SendResult]:
        for s in texts:
            if self._show:
                _show("sms", s.to, "", s.text)
                continue
            log.info(
                "sms %s to %s (not sent: console adapter)", _purpose(s.delivery_key), _hint(s.to)
            )
        return _answer([SendResult(s.message_id, provider_id="console") for s in texts], answered)
