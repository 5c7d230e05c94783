"""A booking notice's confirm / cancel link, used by the client without signing in: confirming
is recorded once and shown on the appointment page; cancelling inside the late window says the
fee applies and cancels the session late; a used, unknown or moved session's link is gone;
the buttons need the CSRF token."""

from __future__ import annotations

import asyncio
import re

from core.domain.communication.messages import DeliveryState
from core.domain.directory.parties import Channel
from core.services import cases
from tests.web.scheduling.test_schedule import appointment_id, book_couple, services  # noqa: F401


def _prepare(container, world) -> None:
    """Maya gets the couple's reminders by email."""

    async def run() -> None:
        async with container.uow_factory()() as uow:
            maya = await uow.people.get(world.people["maya"])
            maya.email = "maya@example.org"
            await uow.people.update(maya)
            await uow.commit()
        await cases.set_communication(
            container.deps(),
            world.staff["lee"],
            cases.SetCommunication(
                case_id=world.cases["couple"],
                person_id=world.people["maya"],
                channel=Channel.EMAIL,
                reminders=True,
            ),
        )

    asyncio.run(run())


def _notices(container) -> list:
    async def run() -> list:
        async with container.uow_factory()() as uow:
            return await uow.outbox.listing([DeliveryState.PENDING])

    return [m for m in asyncio.run(run()) if m.delivery_key.startswith("notice:")]


def _link(message, do: str) -> str:
    return re.search(rf"https?://[^/\s]+(/s/[A-Za-z0-9_-]+)\?do={do}", message.body).group(1)


def test_confirming_by_the_link_is_recorded_once_and_shown_to_staff(
    container,
    world,
    signed_in,
    browser,
    services,  # noqa: F811
) -> None:
    _prepare(container, world)
    lee = signed_in("lee")
    booked = book_couple(lee, world, services, start="2026-01-08T10:00")
    assert booked.status_code == 303
    aid = appointment_id(booked)
    (notice,) = _notices(container)
    assert notice.to == "maya@example.org" and "BEGIN:VCALENDAR" in notice.calendar
    link = _link(notice, "confirm")
    page = browser.get(link + "?do=confirm")
    assert page.status_code == 200 and "Confirm that I will come" in page.text
    assert "Maya" not in page.text and "Couple 50" not in page.text
    refused = browser.post(link, {"do": "confirm"}, csrf=False)
    assert refused.status_code == 403
    done = browser.post(link, {"do": "confirm"})
    assert done.status_code == 200 and "your appointment is confirmed" in done.text
    again = browser.post(link, {"do": "cancel"})  # used: the link does not cancel now
    assert "You confirmed this appointment" in again.text
    shown = lee.get(f"/appointments/{aid}")
    assert "Confirmed by 1 recipient" in shown.text
    assert browser.get("/s/not-a-secret").status_code == 410


def test_cancelling_late_says_the_fee_applies_and_cancels_late(
    container,
    world,
    signed_in,
    browser,
    services,  # noqa: F811
) -> None:
    _prepare(container, world)
    lee = signed_in("lee")
    aid = appointment_id(book_couple(lee, world, services, start="2026-01-05T20:00"))
    (notice,) = _notices(container)
    link = _link(notice, "cancel")
    page = browser.get(link + "?do=cancel")
    assert "late-cancellation fee applies" in page.text  # 11 hours ahead, the window is 24
    done = browser.post(link, {"do": "cancel"})
    assert done.status_code == 200 and "This appointment is cancelled" in done.text
    assert "fee applies" in done.text
    assert "Late cancel" in lee.get(f"/appointments/{aid}").text
    cancel_notices = [m for m in _notices(container) if ":cancelled:" in m.delivery_key]
    assert len(cancel_notices) == 1 and "METHOD:CANCEL" in cancel_notices[0].calendar
