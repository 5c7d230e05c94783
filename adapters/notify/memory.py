"""Senders that keep what they were given: first-class adapters for tests and the in-memory
practice. `refuse` makes an address fail (permanently or not) and `down` fails whole batches,
so the worker's retries can be driven without a network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from core.domain.communication.messages import Email, SendResult, Sms
from core.ports.communication import Answered, DeliveryFailed


@dataclass
class _Recording:
    refuse: dict[str, bool] = field(default_factory=dict)  # address -> permanent?
    down: bool = False
    batches: int = 0

    def _answer(self, message_id: UUID, to: str, n: int) -> SendResult:
        if to in self.refuse:
            permanent = self.refuse[to]
            return SendResult(message_id, error="refused by the test", permanent=permanent)
        return SendResult(message_id, provider_id=f"mem-{n}")

    def _batch(self) -> None:
        if self.down:
            raise DeliveryFailed("the server is down (memory sender)")
        self.batches += 1


@dataclass
class MemoryEmailSender(_Recording):
    sent: list[Email] = field(default_factory=list)

    async def send_all(
        self, emails: Sequence[Email], answered: Answered | None = None
    ) -> list[SendResult]:
        self._batch()
        results = []
        for email in emails:
            result = self._answer(email.message_id, email.to, len(self.sent) + 1)
            if result.accepted:
                self.sent.append(email)
            results.append(result)
            if answered is not None:
                answered(result)
        return results


@dataclass
class MemorySmsSender(_Recording):
    sent: list[Sms] = field(default_factory=list)

    async def send_all(
        self, texts: Sequence[Sms], answered: Answered | None = None
    ) -> list[SendResult]:
        self._batch()
        results = []
        for sms in texts:
            result = self._answer(sms.message_id, sms.to, len(self.sent) + 1)
            if result.accepted:
                self.sent.append(sms)
            results.append(result)
            if answered is not None:
                answered(result)
        return results
