"""`HEARTH_WORKER=inline` (the default of `make run`): the web process delivers the outbox
while it serves, and stops the worker before it closes the database."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from litestar.testing import AsyncTestClient

import bootstrap
from core.domain.communication.messages import DeliveryState, OutboundMessage
from core.domain.directory.parties import Channel


@pytest.mark.parametrize("worker", ["inline", "off"])
async def test_the_web_process_delivers_queued_mail_only_when_inline(worker: str) -> None:
    container = bootstrap.make_container(
        bootstrap.Settings(database_url="memory", email="memory", worker=worker)
    )
    now = container.clock().now()
    message = OutboundMessage(
        id=uuid4(),
        delivery_key="notice:inline",
        channel=Channel.EMAIL,
        to="sam@example.org",
        subject="Your session",
        body="Tuesday 10:00",
        due_at=now,
        created_at=now,
    )
    async with container.uow_factory()() as uow:
        await uow.outbox.queue(message)
        await uow.commit()
    async with AsyncTestClient(app=bootstrap.create_app(container)) as client:
        assert (await client.get("/sign-in")).status_code in (200, 303)
        for _ in range(50 if worker == "inline" else 6):
            if container.email_sender().sent:
                break
            await asyncio.sleep(0.05)
    async with container.uow_factory()() as uow:
        state = (await uow.outbox.get(message.id)).state
    if worker == "inline":
        assert [e.delivery_key for e in container.email_sender().sent] == ["notice:inline"]
        assert state is DeliveryState.SENT
    else:
        assert container.email_sender().sent == []
        assert state is DeliveryState.PENDING
