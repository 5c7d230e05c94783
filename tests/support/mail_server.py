"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, in its own thread. It
keeps every message it accepted (parsed) and refuses, with a 550, the recipients it was told to."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class MailServer:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    connections: int = 0
    delay: float = 0.0  # seconds the server takes to accept each message

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mail_server(port: int | None = None) -> Iterator[MailServer]:
    state = MailServer(port=port or _free_port())
    controller = Controller(state, hostname=state.host, port=state.port)
    controller.start()
    try:
        yield state
    finally:
        controller.stop()
