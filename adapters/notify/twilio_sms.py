"""SMS through Twilio's official SDK (async client). One HTTP session per batch.

Twilio answers a refused message with an error code: those that mean the number can never
receive it (malformed, not a mobile, unsubscribed with STOP: 21211, 21610, 21612, 21614) are
permanent; anything else (a 5xx, a timeout, rate limits) is tried again later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from core.domain.communication.messages import SendResult, Sms

PERMANENT_CODES = frozenset({21211, 21408, 21610, 21612, 21614})


@dataclass(frozen=True, kw_only=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    sender: str  # a phone number in E.164, or a Messaging Service SID ("MG...")
    base_url: str = ""  # only for a test server: every API call goes there instead
    timeout: float = 30.0


class TwilioSmsSender:
    def __init__(self, settings: TwilioSettings) -> None:
        self._settings = settings

    async def send_all(self, texts: Sequence[Sms]) -> list[SendResult]:
        if not texts:
            return []
        s = self._settings
        http = AsyncTwilioHttpClient(timeout=s.timeout)
        client = Client(s.account_sid, s.auth_token, http_client=http)
        if s.base_url:
            client.api.base_url = s.base_url
        try:
            return [await self._send(client, sms) for sms in texts]
        finally:
            if http.session is not None:
                await http.session.close()

    async def _send(self, client: Client, sms: Sms) -> SendResult:
        sender = self._settings.sender
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        try:
            created = await client.messages.create_async(to=sms.to, body=sms.text, **origin)
        except TwilioRestException as exc:
            return SendResult(
                sms.message_id,
                error=f"Twilio {exc.status} code {exc.code}",
                permanent=exc.code in PERMANENT_CODES,
            )
        except (TwilioException, OSError, TimeoutError) as exc:
            return SendResult(sms.message_id, error=f"Twilio failure: {type(exc).__name__}")
        return SendResult(sms.message_id, provider_id=created.sid or "")
