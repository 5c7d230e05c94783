"""Email over SMTP with aiosmtplib: one connection for a batch, TLS or STARTTLS, optional auth.

Each message gets a Message-ID made from its delivery key, so a message sent again after a
worker died between the provider's "ok" and the outbox's record is recognisably the same one
(mail clients fold duplicates by Message-ID). A 5xx answer for a recipient is permanent (a
bad address stays bad); a 4xx or a dropped connection is tried again later."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from core.domain.communication.messages import Email, SendResult
from core.ports.communication import Answered, DeliveryFailed


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str  # the From: address, e.g. "Riverside Practice <care@example.org>"
    username: str = ""
    password: str = ""
    security: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none" (local relay)
    timeout: float = 30.0


def message_id(delivery_key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("> ") or "hearth.invalid"
    return f"<{hashlib.sha256(delivery_key.encode()).hexdigest()[:40]}@{domain}>"


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
        method = "CANCEL" if "METHOD:CANCEL" in email.calendar else "REQUEST"
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
        if not emails:
            return []
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
            refused, answer = await client.send_message(build(email, self._settings))
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
