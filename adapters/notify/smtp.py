"""Email over SMTP with aiosmtplib: one connection for a batch, TLS or STARTTLS, optional auth.

Each message gets a Message-ID made from its delivery key, so a message sent again after a
worker died between the provider's "ok" and the outbox's record is recognisably the same one
(mail clients fold duplicates by Message-ID). A 5xx answer for a recipient is permanent (a
bad address stays bad); a 4xx or a dropped connection is tried again later."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.policy import SMTP
from email.utils import formataddr, formatdate, parseaddr

import aiosmtplib

from core.domain.communication.messages import Email, SendResult
from core.ports.communication import Answered, DeliveryFailed

MIN_SHARE = 20  # a batch smaller than this per connection goes over fewer connections


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str  # the From: address, e.g. "Riverside Practice <care@example.org>"
    username: str = ""
    password: str = ""
    security: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none" (local relay)
    timeout: float = 30.0
    connections: int = 4  # used at once for a big batch (MIN_SHARE messages each at least)


def message_id(delivery_key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("> ") or "hearth.invalid"
    return f"<{hashlib.sha256(delivery_key.encode()).hexdigest()[:40]}@{domain}>"


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def serialize(email: Email, settings: SmtpSettings) -> bytes:
    """The message as it goes on the wire, made once. A plain-text message (a reminder, most of
    the outbox) is built with the compat32 classes, about ten times cheaper than the modern
    `EmailMessage` (which the worker's throughput would otherwise be bound by); one with an
    HTML part or an invitation goes through `build`."""
    if email.html or email.calendar:
        return build(email, settings).as_bytes(policy=SMTP)
    # A Charset object is accepted (typeshed says str): quoted-printable keeps the text legible.
    message = MIMEText(email.text, "plain", _UTF8_QP)  # type: ignore[arg-type]
    message["From"] = formataddr(parseaddr(settings.sender))
    message["To"] = email.to
    message["Subject"] = _header(email.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email.delivery_key, settings.sender)
    return message.as_bytes()


def build(email: Email, settings: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(email.delivery_key, settings.sender)
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    if email.calendar:
        # As an attachment with its iTIP method, which is what calendar apps look for to offer
        # "add" or "remove" (and update the event of the same UID).
        # The METHOD line itself (a LOCATION may contain the words "METHOD:CANCEL").
        lines = email.calendar.splitlines()
        method = "CANCEL" if "METHOD:CANCEL" in lines else "REQUEST"
        message.add_attachment(
            email.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return message


class SmtpEmailSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._from = parseaddr(settings.sender)[1] or settings.sender  # the envelope's sender

    def _client(self) -> aiosmtplib.SMTP:
        s = self._settings
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            username=s.username or None,
            password=s.password or None,
            timeout=s.timeout,
        )

    async def send_all(
        self, emails: Sequence[Email], answered: Answered | None = None
    ) -> list[SendResult]:
        """A batch over `connections` connections at once (each reused for its share): one
        connection waits on the server's answer to every command, several keep it busy."""
        if not emails:
            return []
        n = max(1, min(self._settings.connections, len(emails) // MIN_SHARE))
        shares = [emails[i::n] for i in range(n)]
        outcomes = await asyncio.gather(
            *(self._send_share(share, answered) for share in shares), return_exceptions=True
        )
        if all(isinstance(o, DeliveryFailed) for o in outcomes):
            raise outcomes[0]  # type: ignore[misc]  # nothing could be tried at all
        results: list[SendResult] = []
        for share, outcome in zip(shares, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, DeliveryFailed):
                    raise outcome
                # This connection failed, others worked: its messages are tried again later.
                failed = [SendResult(e.message_id, error=str(outcome)) for e in share]
                for result in failed:
                    if answered is not None:
                        answered(result)
                results += failed
            else:
                results += outcome
        return results

    async def _send_share(
        self, emails: Sequence[Email], answered: Answered | None
    ) -> list[SendResult]:
        client = self._client()
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP connection failed: {type(exc).__name__}") from exc
        results: list[SendResult] = []
        try:
            for email in emails:
                results.append(await self._send(client, email))
                if answered is not None:
                    answered(results[-1])
        finally:
            # The answers are in; a failed goodbye changes none of them.
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
        return results

    async def _send(self, client: aiosmtplib.SMTP, email: Email) -> SendResult:
        try:
            refused, answer = await client.sendmail(
                self._from, [email.to], serialize(email, self._settings)
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            return SendResult(
                email.message_id,
                error=f"recipient refused ({', '.join(map(str, codes))})",
                permanent=all(500 <= c < 600 for c in codes),
            )
        except aiosmtplib.SMTPResponseException as exc:
            return SendResult(
                email.message_id,
                error=f"SMTP {exc.code}",
                permanent=500 <= exc.code < 600,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            return SendResult(email.message_id, error=f"SMTP failure: {type(exc).__name__}")
        if refused:
            return SendResult(email.message_id, error="recipient refused", permanent=True)
        return SendResult(email.message_id, provider_id=answer[:100])
