"""Scenario 12 of DOMAIN.md, "Reminders that hold", against a real SMTP server (aiosmtpd), the
SMS provider's test server (Twilio's SDK) and PostgreSQL: Sam and Maya get a reminder 48 hours
before each session of their weekly series; the mail server is down for an hour and the
reminders still arrive, once each; Sam replies STOP to an SMS, gets one confirmation and no
more SMS; a session booked and then rolled back sends nothing."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.notify.smtp import SmtpEmailSender, SmtpSettings
from adapters.notify.twilio_sms import TwilioSettings, TwilioSmsSender
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from bootstrap import fixed_policy, message_bus
from core.domain.communication.messages import RetryPolicy
from core.domain.communication.reminders import Lead, ReminderPolicy
from core.domain.directory.parties import Channel
from core.domain.scheduling.appointments import DoubleBooking
from core.services import scheduling as s
from core.services.communication.delivery import DeliveryDeps, deliver_due
from core.services.communication.inbound import text_received
from core.services.communication.reminders import queue_coming
from tests.conftest import require_or_skip
from tests.contract.communication.test_reminders import clinic_with_couple
from tests.support.db import empty_tables
from tests.support.mail_server import mail_server
from tests.support.scheduling_practice import TZ, at
from tests.support.sms_server import SID, TOKEN, fake_twilio

H48 = timedelta(hours=48)
POLICY = ReminderPolicy(
    practice_name="Riverside Practice",
    timezone=TZ,
    leads=(Lead(H48, Channel.EMAIL), Lead(H48, Channel.SMS)),
)


@pytest.fixture
def pg(postgres_url: str | None) -> str:
    if postgres_url is None:
        require_or_skip("REQUIRE_DB", "no PostgreSQL: set DATABASE_URL")
    return postgres_url


async def test_reminders_that_hold(pg: str) -> None:
    engine = create_engine(pg)
    await empty_tables(engine)
    try:
        await _scenario(sql_uow_factory(engine))
    finally:
        await engine.dispose()


async def _scenario(uow) -> None:
    clinic, lee, case_id, sam, _maya = await clinic_with_couple(uow)
    policy_of = fixed_policy(POLICY)
    clinic.deps = dataclasses.replace(clinic.deps, bus=message_bus(policy_of, TZ))
    clinic.now(at(1, 5, 9))  # Monday 5 January, 09:00
    # Three weekly sessions, Thursdays at 18:00; the sweep queues each as it comes near.
    await clinic.book(
        lee, case_id, at(1, 8, 18), service="Family 50", repeat=s.Repeat(every_weeks=1, count=3)
    )
    # A session booked and rolled back (refused at commit as a double booking) sends nothing.
    with pytest.raises(DoubleBooking):
        await clinic.book(lee, case_id, at(1, 15, 18, 10), service="Family 50")

    mail: list = []  # every message any incarnation of the mail server accepted
    with fake_twilio() as twilio, ExitStack() as up:
        server = up.enter_context(mail_server())
        port = server.port
        sms = TwilioSmsSender(
            TwilioSettings(
                account_sid=SID, auth_token=TOKEN, sender="+15555550000", base_url=twilio.url
            )
        )
        email = SmtpEmailSender(
            SmtpSettings(
                host="127.0.0.1", port=port, sender="R <care@r.example>", security="none", timeout=3
            )
        )
        deps = DeliveryDeps(
            uow=clinic.deps.uow,
            clock=clinic.clock,
            email=email,
            sms=sms,
            policy=RetryPolicy(tries=20, first=timedelta(minutes=1), cap=timedelta(minutes=10)),
            rng=random.Random(12),
        )

        async def run_until(when, every: int = 60) -> None:
            """The worker: its sweep and its rounds, every `every` minutes of practice time."""
            while clinic.clock.now() < when.replace(tzinfo=ZoneInfo(TZ)):
                clinic.clock.advance(timedelta(minutes=every))
                await queue_coming(clinic.deps.uow, policy_of, clinic.clock, clinic.deps.ids)
                while (await deliver_due(deps)).sent:
                    pass

        # Tuesday 17:30: the mail server goes down for an hour across the first reminder's time.
        await run_until(at(1, 6, 17, 30), every=30)
        mail += server.received
        assert not [m for m in mail if str(m["Subject"]).startswith("Reminder")]
        up.close()
        await run_until(at(1, 6, 18, 30), every=5)  # the 18:00 reminder fails, is retried
        server = up.enter_context(mail_server(port))
        await run_until(at(1, 7, 12), every=5)
        first_session_sms = _reminders_to(twilio.received, sam_number := "+15555550100")
        assert len(first_session_sms) == 1  # the first reminder by SMS, while mail was down

        # Sam answers STOP: SMS end at once, with one confirmation.
        await text_received(clinic.deps, sam_number, "Stop", "Riverside Practice")
        await text_received(clinic.deps, sam_number, "STOP", "Riverside Practice")  # again
        await run_until(at(1, 22, 12))  # past the 48 h reminders of the two other sessions
        mail += server.received

    keys = Counter(m["Message-ID"] for m in mail)
    reminders = [m for m in mail if str(m["Subject"]).startswith("Reminder")]
    assert len(reminders) == 3  # one per session, to Maya (Sam gets SMS)
    assert all(str(m["To"]) == "maya@ex.org" for m in reminders)
    assert max(keys.values()) == 1  # nothing arrived twice
    to_sam = [r["Body"] for r in twilio.received if r["To"] == sam_number]
    reminders_to_sam = [b for b in to_sam if "reminder" in b.lower()]
    assert len(reminders_to_sam) == 1  # the 2nd and 3rd were not sent after STOP
    confirmations = [b for b in to_sam if "no more texts" in b]
    assert len(confirmations) == 1, to_sam
    async with clinic.deps.uow() as u:
        person = await u.people.get(sam)
    assert not person.sms_consent


def _reminders_to(received: list[dict[str, str]], number: str) -> list[str]:
    return [r["Body"] for r in received if r["To"] == number and "reminder" in r["Body"].lower()]
