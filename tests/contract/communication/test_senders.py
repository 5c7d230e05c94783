"""One contract per port, on every adapter: the memory senders, SMTP (aiosmtplib) against a real
aiosmtpd server, and SMS through Twilio's SDK against a local server that speaks its API. An
accepted message has the provider's id; a refused address is a permanent failure for that
message only; a server that is away fails the batch (DeliveryFailed) or each message
temporarily — never a success."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from adapters.notify.smtp import SmtpEmailSender, SmtpSettings
from adapters.notify.twilio_sms import TwilioSettings, TwilioSmsSender
from core.domain.communication.messages import Email, Sms
from core.ports.communication import DeliveryFailed
from tests.support.mail_server import mail_server
from tests.support.sms_server import SID, TOKEN, fake_twilio

BAD_EMAIL = "nobody@example.org"
BAD_NUMBER = "+15555550199"


@dataclass
class Rig:
    """A sender, what it delivered (as addresses), and switches for its provider."""

    sender: Any
    delivered: Any  # () -> list of recipient addresses
    take_down: Any  # () -> None


@pytest.fixture(params=["memory", "smtp"])
def email_rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    if request.param == "memory":
        sender = MemoryEmailSender(refuse={BAD_EMAIL: True})
        yield Rig(
            sender, lambda: [e.to for e in sender.sent], lambda: setattr(sender, "down", True)
        )
        return
    with mail_server() as server:
        server.refuse.add(BAD_EMAIL)
        settings = SmtpSettings(
            host=server.host,
            port=server.port,
            sender="Practice <care@practice.example>",
            security="none",
        )
        smtp = SmtpEmailSender(settings)

        def take_down() -> None:
            smtp._settings = SmtpSettings(  # a port where nothing listens
                host=server.host, port=1, sender=settings.sender, security="none", timeout=2
            )

        yield Rig(smtp, lambda: [str(m["To"]) for m in server.received], take_down)


@pytest.fixture(params=["memory", "twilio"])
def sms_rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    if request.param == "memory":
        sender = MemorySmsSender(refuse={BAD_NUMBER: True})
        yield Rig(
            sender, lambda: [s.to for s in sender.sent], lambda: setattr(sender, "down", True)
        )
        return
    with fake_twilio() as twilio:
        twilio.refuse[BAD_NUMBER] = 21211  # "invalid 'To' phone number"
        settings = TwilioSettings(
            account_sid=SID, auth_token=TOKEN, sender="+15555550000", base_url=twilio.url
        )
        yield Rig(
            TwilioSmsSender(settings),
            lambda: [f["To"] for f in twilio.received],
            lambda: setattr(twilio, "down", True),
        )


def email(to: str, key: str = "notice:1") -> Email:
    return Email(
        uuid4(),
        key,
        to,
        "Your session on Tuesday",
        "Tuesday 10:00 at the practice.",
        "<p>Tuesday 10:00</p>",
    )


def sms(to: str, key: str = "notice:1") -> Sms:
    return Sms(uuid4(), key, to, "Reminder: Tuesday 10:00. Reply STOP to opt out.")


async def test_emails_are_delivered_with_the_providers_id(email_rig: Rig) -> None:
    batch = [email("sam@example.org", "a"), email("maya@example.org", "b")]
    results = await email_rig.sender.send_all(batch)
    assert [r.message_id for r in results] == [e.message_id for e in batch]
    assert all(r.accepted and r.provider_id for r in results)
    assert email_rig.delivered() == ["sam@example.org", "maya@example.org"]


async def test_a_refused_email_address_fails_only_its_message_for_good(email_rig: Rig) -> None:
    results = await email_rig.sender.send_all([email(BAD_EMAIL), email("sam@example.org")])
    assert not results[0].accepted and results[0].permanent
    assert results[1].accepted
    assert email_rig.delivered() == ["sam@example.org"]


async def test_an_email_server_that_is_away_fails_the_batch(email_rig: Rig) -> None:
    email_rig.take_down()
    with pytest.raises(DeliveryFailed):
        await email_rig.sender.send_all([email("sam@example.org")])
    assert email_rig.delivered() == []


async def test_texts_are_delivered_with_the_providers_id(sms_rig: Rig) -> None:
    results = await sms_rig.sender.send_all([sms("+15555550100", "a"), sms("+15555550101", "b")])
    assert all(r.accepted and r.provider_id for r in results)
    assert sms_rig.delivered() == ["+15555550100", "+15555550101"]


async def test_a_refused_number_fails_only_its_text_for_good(sms_rig: Rig) -> None:
    results = await sms_rig.sender.send_all([sms(BAD_NUMBER), sms("+15555550100")])
    assert not results[0].accepted and results[0].permanent
    assert results[1].accepted
    assert sms_rig.delivered() == ["+15555550100"]


async def test_an_sms_provider_that_is_away_is_not_a_success(sms_rig: Rig) -> None:
    sms_rig.take_down()
    try:
        results = await sms_rig.sender.send_all([sms("+15555550100")])
    except DeliveryFailed:
        results = []
    assert all(not r.accepted and not r.permanent for r in results)
    assert sms_rig.delivered() == []


async def test_smtp_sends_a_batch_on_one_connection_as_text_and_html_with_a_stable_id() -> None:
    with mail_server() as server:
        settings = SmtpSettings(
            host=server.host,
            port=server.port,
            sender="Practice <care@practice.example>",
            security="none",
        )
        sender = SmtpEmailSender(settings)
        await sender.send_all(
            [email("a@example.org", "reminder:1"), email("b@example.org", "reminder:2")]
        )
        await sender.send_all([email("a@example.org", "reminder:1")])  # sent again (a retry)
    assert server.connections == 2  # one per batch
    first, _, again = server.received
    assert first["Message-ID"] == again["Message-ID"] != server.received[1]["Message-ID"]
    assert first["Message-ID"].endswith("@practice.example>")
    parts = {p.get_content_type(): p.get_content() for p in first.iter_parts()}
    assert "Tuesday 10:00" in parts["text/plain"] and "<p>Tuesday 10:00</p>" in parts["text/html"]


async def test_smtp_attaches_the_invitation_with_its_method() -> None:
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    with mail_server() as server:
        settings = SmtpSettings(
            host=server.host, port=server.port, sender="P <care@p.example>", security="none"
        )
        (result,) = await SmtpEmailSender(settings).send_all(
            [Email(uuid4(), "notice:x", "a@p.example", "Cancelled", "text", calendar=ics)]
        )
        assert result.accepted
        (message,) = server.received
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert part.get_param("method") == "CANCEL"
        assert part.get_filename() == "cancel.ics"
        assert part.get_content() == ics


def test_an_invitation_whose_place_says_method_cancel_is_still_a_request() -> None:
    """The method is the calendar's METHOD line, not any text that happens to contain it
    (a LOCATION typed by staff)."""
    from adapters.notify.smtp import build

    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        "LOCATION:Room METHOD:CANCEL\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    settings = SmtpSettings(host="h", port=25, sender="P <care@p.example>", security="none")
    email = Email(uuid4(), "notice:x", "a@p.example", "Booked", "text", calendar=ics)
    (part,) = [p for p in build(email, settings).walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
