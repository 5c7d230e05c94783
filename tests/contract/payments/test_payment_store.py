"""The payments store on memory, SQLite and PostgreSQL: a key is stored once even when ten
writers race, a stale update is refused, processor events are noted once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.domain.billing.payments import (
    AttemptState,
    CardAttempt,
    CardOnFile,
    DuplicateKey,
    Payment,
    PaymentMethod,
)
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.errors import ConcurrencyConflict, InvariantViolation
from core.domain.shared.values import Money
from tests.support.practice import START
from tests.support.stores import commit_without_handlers


def usd(minor: int) -> Money:
    return Money(minor, "USD")


async def _payer(practice) -> PayerRef:
    return PayerRef.person(await practice.person("Sam Rivera"))


def _attempt(payer: PayerRef, key: str = "form-token-1", at=START) -> CardAttempt:
    return CardAttempt.start(key=key, payer=payer, amount=usd(18000), at=at)


async def test_ten_writers_of_one_key_store_one_attempt(practice, uow) -> None:
    payer = await _payer(practice)

    async def begin() -> bool:
        async with uow() as u:
            try:
                stored = await u.card_attempts.add_if_new(_attempt(payer))
                await commit_without_handlers(u)
            except DuplicateKey:
                return False
            return stored

    results = await asyncio.gather(*(begin() for _ in range(10)))
    assert results.count(True) == 1
    async with uow() as u:
        assert len(await u.card_attempts.for_payer(payer)) == 1


async def test_an_attempt_is_finished_once_and_listed_where_it_belongs(practice, uow) -> None:
    payer = await _payer(practice)
    async with uow() as u:
        await u.card_attempts.add_if_new(_attempt(payer, "a"))
        await u.card_attempts.add_if_new(_attempt(payer, "b", START + timedelta(minutes=1)))
        await commit_without_handlers(u)
    async with uow() as u:
        left = await u.card_attempts.unfinished(START + timedelta(minutes=5))
        assert [a.key for a in left] == ["a", "b"]
        assert [a.key for a in await u.card_attempts.unfinished(START)] == []
    async with uow() as first, uow() as second:
        a1 = await first.card_attempts.get_by_key("a")
        a2 = await second.card_attempts.get_by_key("a")
        a1.decline("pi_1", "card_declined", "Your card was declined.", START)
        await first.card_attempts.update(a1)
        await commit_without_handlers(first)
        a2.fail(START)
        with pytest.raises(ConcurrencyConflict):
            await second.card_attempts.update(a2)
            await commit_without_handlers(second)
    async with uow() as u:
        stored = await u.card_attempts.get_by_key("a")
        assert stored.state is AttemptState.DECLINED and stored.decline_code == "card_declined"
        assert [a.key for a in await u.card_attempts.declined()] == ["a"]
        assert [a.key for a in await u.card_attempts.unfinished(START + timedelta(hours=1))] == [
            "b"
        ]


def _cheque(payer: PayerRef, key: str = "cheque-form-1", amount: int = 20000) -> Payment:
    return Payment.record(
        key=key,
        payer=payer,
        amount=usd(amount),
        method=PaymentMethod.CHEQUE,
        received_on=START.date(),
        at=START,
        reference="1042",
    )


async def test_a_payment_is_recorded_once_and_applied_once_by_two_staff(practice, uow) -> None:
    payer = await _payer(practice)
    async with uow() as u:
        assert await u.payments.add_if_new(_cheque(payer))
        assert not await u.payments.add_if_new(_cheque(payer))
        await commit_without_handlers(u)
    payment_id = _cheque(payer).id

    async def apply(amount: int) -> bool:
        async with uow() as u:
            payment = await u.payments.get(payment_id)
            payment.apply(usd(amount))
            await u.payments.update(payment)
            await asyncio.sleep(0.01)  # both have read before either writes
            try:
                await commit_without_handlers(u)
            except ConcurrencyConflict:
                return False
            return True

    async def guarded(amount: int) -> bool:
        try:
            return await apply(amount)
        except (ConcurrencyConflict, InvariantViolation):  # stale, or read after the first
            return False

    results = await asyncio.gather(guarded(15000), guarded(15000))
    assert sorted(results) == [False, True]
    async with uow() as u:
        stored = await u.payments.get(payment_id)
        assert stored.applied == usd(15000) and stored.unapplied == usd(5000)
        assert [p.id for p in await u.payments.with_credit(payer)] == [payment_id]
        assert [p.reference for p in await u.payments.for_payer(payer)] == ["1042"]
        assert await u.payments.for_payer(payer, start=START.date() + timedelta(days=1)) == []


async def test_a_card_on_file_keeps_only_ids_brand_last4_and_consent(practice, uow) -> None:
    payer = await _payer(practice)
    card = CardOnFile(id=payer.id, payer=payer, customer_id="cus_1")
    card.save_card(
        method_id="pm_1",
        brand="visa",
        last4="4242",
        consent_text="I allow the practice to charge this card.",
        at=START,
        by=None,
    )
    card.set_autopay(True)
    async with uow() as u:
        await u.cards_on_file.add(card)
        await commit_without_handlers(u)
    for _ in range(3):
        async with uow() as u:
            stored = await u.cards_on_file.get(payer.id)
            stored.declined(START)
            await u.cards_on_file.update(stored)
            await commit_without_handlers(u)
    async with uow() as u:
        stored = await u.cards_on_file.get(payer.id)
    assert (stored.method_id, stored.brand, stored.last4) == ("pm_1", "visa", "4242")
    assert stored.consent_at == START and stored.consent_text.startswith("I allow")
    assert stored.declines == 3 and stored.paused_at == START and not stored.autopay_active


async def test_a_processor_event_is_noted_once(practice, uow) -> None:
    async with uow() as u:
        assert await u.processor_events.record("evt_1", "payment_intent.succeeded", START)
        assert not await u.processor_events.record("evt_1", "payment_intent.succeeded", START)
        await u.commit()
    async with uow() as u:
        assert not await u.processor_events.record("evt_1", "payment_intent.succeeded", START)
        assert await u.processor_events.record("evt_2", "payment_intent.succeeded", START)
        await u.rollback()
    async with uow() as u:
        assert await u.processor_events.record("evt_2", "payment_intent.succeeded", START)
