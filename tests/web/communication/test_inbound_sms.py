"""Texts sent back to the practice's number, through the provider's signed webhook: STOP (in any
of its words and cases) ends SMS for that number at once and is confirmed once; START gives it
back; an unsigned or badly signed call changes nothing; without an SMS provider there is no
webhook at all."""

from __future__ import annotations

from uuid import uuid4

import pytest
from litestar.testing import AsyncTestClient
from twilio.request_validator import RequestValidator

import bootstrap
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel
from core.services import directory
from tests.support.practice import Practice

TOKEN = "inbound-test-token"
NUMBER = "+15555550100"
URL = "https://hearth.example/sms/inbound"


def _container(sms: str = "twilio") -> bootstrap.Container:
    return bootstrap.make_container(
        bootstrap.Settings(
            database_url="memory",
            worker="off",
            sms=sms,
            twilio_auth_token=TOKEN,
            public_url="https://hearth.example",
            practice_name="Riverside Practice",
        )
    )


async def _seed(container: bootstrap.Container):
    practice = Practice(container.uow_factory(), audit=container.audit_log())
    await practice.setup()
    person = await directory.register_person(
        practice.deps,
        practice.owner,
        directory.RegisterPerson(
            legal_name="Sam Chen", email="sam@ex.org", mobile=NUMBER, sms_consent=True
        ),
    )
    now = container.clock().now()
    async with container.uow_factory()() as uow:
        await uow.outbox.queue(
            OutboundMessage(
                id=uuid4(),
                delivery_key="reminder:x",
                channel=Channel.SMS,
                to=NUMBER,
                subject="",
                body="Reminder",
                due_at=now,
                created_at=now,
            )
        )
        await uow.commit()
    return person


async def _post(client: AsyncTestClient, body: str, *, signed: bool = True):
    form = {"From": NUMBER, "To": "+15555550000", "Body": body, "MessageSid": "SM1"}
    signature = RequestValidator(TOKEN).compute_signature(URL, form) if signed else "bogus"
    return await client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})


async def _state(container, person_id):
    async with container.uow_factory()() as uow:
        person = await uow.people.get(person_id)
        pending = await uow.outbox.listing([DeliveryState.PENDING])
    return person.sms_consent, [m.body for m in pending if m.to == NUMBER]


async def test_stop_ends_sms_at_once_and_is_confirmed_once_start_gives_it_back() -> None:
    container = _container()
    person = await _seed(container)
    async with AsyncTestClient(app=bootstrap.create_app(container)) as client:
        forged = await _post(client, "STOP", signed=False)
        assert forged.status_code == 403
        assert (await _state(container, person))[0] is True

        answer = await _post(client, "  Stop. ")
        assert answer.status_code == 200 and "<Response>" in answer.text
        consent, texts = await _state(container, person)
        assert consent is False
        assert texts == [
            "Riverside Practice: you will get no more texts from us. Reply START to get them again."
        ]  # the pending reminder is gone; one confirmation
        assert (await _post(client, "unsubscribe")).status_code == 200
        assert len((await _state(container, person))[1]) == 1  # not confirmed twice

        assert (await _post(client, "Start")).status_code == 200
        consent, texts = await _state(container, person)
        assert consent is True and any("texts are back on" in t for t in texts)
        assert (await _post(client, "Thanks, see you Tuesday")).status_code == 200


@pytest.mark.parametrize("word", ["STOPALL", "end", "Quit", "revoke", "OPT OUT", "cancel"])
async def test_every_opt_out_word_ends_sms(word: str) -> None:
    container = _container()
    person = await _seed(container)
    async with AsyncTestClient(app=bootstrap.create_app(container)) as client:
        assert (await _post(client, word)).status_code == 200
    assert (await _state(container, person))[0] is False


async def test_without_an_sms_provider_there_is_no_webhook() -> None:
    container = _container(sms="console")
    async with AsyncTestClient(app=bootstrap.create_app(container)) as client:
        assert (await _post(client, "STOP")).status_code == 404


async def test_a_signed_text_with_a_control_character_is_kept_not_refused() -> None:
    """The edge refuses control characters from people at a form; a text someone sent is
    received anyway (PostgreSQL could not store the NUL: it becomes U+FFFD)."""
    container = _container()
    person = await _seed(container)
    async with AsyncTestClient(app=bootstrap.create_app(container)) as client:
        assert (await _post(client, "STOP\x00")).status_code == 200
    assert (await _state(container, person))[0] is False
