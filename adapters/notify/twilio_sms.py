"""SMS through Twilio's official SDK (async client). One HTTP session per batch.

Twilio answers a refused message with an error code: those that mean the number can never
receive it (malformed, not a mobile, unsubscribed with STOP: 21211, 21610, 21612, 21614) are
permanent; anything else (a 5xx, a timeout, rate limits) is tried again later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from core.domain.communication.messages import SendResult, Sms
from core.ports.communication import Answered

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

    async def send_all(
        self, texts: Sequence[Sms], answered: Answered | None = None
    ) -> list[SendResult]:
        if not texts:
            return []
        s = self._settings
        http = AsyncTwilioHttpClient(timeout=s.timeout)
        client = Client(s.account_sid, s.auth_token, http_client=http)
        if s.base_url:
            client.api.base_url = s.base_url
        results: list[SendResult] = []
        try:
            for sms in texts:
                results.append(await self._send(client, sms))
                if answered is not None:
                    answered(results[-1])
            return results
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


class TwilioSignature:
    """Checks Twilio's `X-Twilio-Signature` on an inbound-SMS webhook call (HMAC-SHA1 of the
    URL Twilio called and its form, keyed with the account's auth token)."""

    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token)

    def verify(self, url: str, form: Mapping[str, str], signature: str) -> bool:
        return bool(signature) and bool(self._validator.validate(url, dict(form), signature))
