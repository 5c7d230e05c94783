"""The "Undelivered" screen: the owner sees every message the worker gave up on, an
administrator those of the cases they manage, a clinician nothing; no content is shown; "try
again" and "mark handled" act once."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel
from core.services.communication.delivery import DeliveryDeps, deliver_due

SECRET_BODY = "Tuesday 10:00 couples session"


def _undelivered(container, world, case: str, person: str, key: str) -> OutboundMessage:
    """A message to a refused address, delivered once: undelivered at once."""
    now = container.clock().now()
    message = OutboundMessage(
        id=uuid4(),
        delivery_key=key,
        channel=Channel.EMAIL,
        to="gone@example.org",
        subject="Reminder",
        body=SECRET_BODY,
        due_at=now,
        created_at=now,
        person_id=world.people[person],
        case_id=world.cases[case],
    )

    async def run() -> None:
        async with container.uow_factory()() as uow:
            await uow.outbox.queue(message)
            await uow.commit()
        sender = MemoryEmailSender(refuse={"gone@example.org": True})
        deps = DeliveryDeps(
            uow=container.uow_factory(),
            clock=container.clock(),
            email=sender,
            sms=MemorySmsSender(),
        )
        assert (await deliver_due(deps)).undelivered == 1

    asyncio.run(run())
    return message


def _state(container, message_id) -> DeliveryState:
    async def run() -> DeliveryState:
        async with container.uow_factory()() as uow:
            return (await uow.outbox.get(message_id)).state

    return asyncio.run(run())


def test_the_owner_sees_who_how_and_why_but_not_what(container, world, signed_in) -> None:
    _undelivered(container, world, "couple", "maya", "reminder:a:maya:48h")
    page = signed_in("owner").get("/messages/undelivered")
    assert page.status_code == 200
    assert "Maya Rivera" in page.text and "refused by the test" in page.text
    assert SECRET_BODY not in page.text and "gone@example.org" not in page.text
    assert 'href="/messages/undelivered"' in page.text  # in the navigation


def test_an_administrator_sees_the_cases_they_manage_and_a_clinician_nothing(
    container, world, signed_in
) -> None:
    _undelivered(container, world, "couple", "maya", "reminder:a:maya:48h")  # Dr. Lee's case
    _undelivered(container, world, "family", "ada", "reminder:b:ada:48h")  # Ash's case
    pat = signed_in("pat").get("/messages/undelivered")  # supports Dr. Lee only
    assert pat.status_code == 200
    assert "Maya Rivera" in pat.text and "Ada Okafor" not in pat.text
    kim = signed_in("kim")
    assert kim.get("/messages/undelivered").status_code == 403
    assert 'href="/messages/undelivered"' not in kim.get("/cases").text


def test_try_again_and_mark_handled_act_once(container, world, signed_in) -> None:
    owner = signed_in("owner")
    first = _undelivered(container, world, "couple", "maya", "reminder:a:maya:48h")
    second = _undelivered(container, world, "couple", "sam", "reminder:a:sam:48h")
    for _ in range(2):  # a double click
        answer = owner.post(f"/messages/undelivered/{first.id}/retry")
        assert answer.status_code == 303
    assert _state(container, first.id) is DeliveryState.PENDING
    assert owner.post(f"/messages/undelivered/{second.id}/handled").status_code == 303
    assert _state(container, second.id) is DeliveryState.HANDLED
    assert "Every message was delivered" in owner.get("/messages/undelivered").text
    assert owner.post(f"/messages/undelivered/{uuid4()}/retry").status_code == 404
    assert owner.post(f"/messages/undelivered/{first.id}/retry", csrf=False).status_code == 403
