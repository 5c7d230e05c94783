"""Reminders follow the schedule on every store: queued when a session is booked (for the people
the case designates, on their channel, at the policy's lead times), replaced when it moves,
dropped when it is cancelled or the person stops receiving them, nothing for a change that was
rolled back; the worker's sweep queues sessions coming into the horizon once; and no reminder
says the case's name, the service, a code or another participant's name."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from adapters.notify.memory import MemoryEmailSender, MemorySmsSender
from bootstrap import fixed_policy, message_bus
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.communication.messages import DeliveryState
from core.domain.communication.reminders import SMS_LIMIT, ReminderPolicy
from core.domain.directory.parties import Channel, StaffRole
from core.services import cases
from core.services import scheduling as s
from core.services.communication.delivery import DeliveryDeps, deliver_due
from core.services.communication.reminders import queue_coming
from tests.support.scheduling_practice import TZ, Clinic, at

POLICY = ReminderPolicy(practice_name="Riverside Practice", timezone=TZ)


async def clinic_with_couple(uow):
    clinic = await Clinic(uow).setup()
    clinic.deps = dataclasses.replace(clinic.deps, bus=message_bus(fixed_policy(POLICY), TZ))
    clinic.practice.deps = dataclasses.replace(clinic.practice.deps, bus=clinic.deps.bus)
    lee = await clinic.staff("Dr. Grace Lee", StaffRole.CLINICIAN)
    sam = await clinic.practice.person(
        "Sam Chen", email="sam@ex.org", mobile="+15555550100", sms_consent=True
    )
    maya = await clinic.practice.person("Maya Rivera", email="maya@ex.org")
    case_id = await clinic.case(
        CaseKind.COUPLE, lee, (sam, MemberRole.PARTNER), (maya, MemberRole.PARTNER)
    )
    for person, channel in ((sam, Channel.SMS), (maya, Channel.EMAIL)):
        await cases.set_communication(
            clinic.deps,
            lee,
            cases.SetCommunication(
                case_id=case_id, person_id=person, channel=channel, reminders=True
            ),
        )
    return clinic, lee, case_id, sam, maya


async def pending(clinic) -> list:
    """The pending reminders (the notices of the same changes are test_notices' subject)."""
    async with clinic.deps.uow() as u:
        queued = await u.outbox.listing([DeliveryState.PENDING])
    return [m for m in queued if m.delivery_key.startswith("reminder:")]


async def test_booking_queues_each_recipients_reminder_on_their_channel(uow) -> None:
    clinic, lee, case_id, sam, maya = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    booked = await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    queued = {(m.person_id, m.channel): m for m in await pending(clinic)}
    assert set(queued) == {(sam, Channel.SMS), (maya, Channel.EMAIL)}
    start = (await clinic.appointment(booked.appointment_ids[0])).start
    assert queued[(maya, Channel.EMAIL)].due_at == start - timedelta(hours=48)
    assert queued[(sam, Channel.SMS)].due_at == start - timedelta(hours=24)
    assert queued[(maya, Channel.EMAIL)].to == "maya@ex.org"
    assert queued[(sam, Channel.SMS)].to == "+15555550100"
    for m in queued.values():  # nothing of the case, the service or the other partner
        text = f"{m.subject} {m.body}"
        for secret in ("couple", "Family 50", "90847", "Sam", "Maya", "Chen", "Rivera", "Lee"):
            assert secret.lower() not in text.lower(), (secret, text)
        assert "Riverside Practice" in text and "18:00" in text
    assert len(queued[(sam, Channel.SMS)].body) <= SMS_LIMIT


async def test_moving_replaces_the_reminders_and_cancelling_drops_them(uow) -> None:
    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    booked = await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    appointment_id = booked.appointment_ids[0]
    a = await clinic.appointment(appointment_id)
    await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=appointment_id,
            version=a.version,
            start=at(1, 9, 17),
            minutes=50,
            service_id=a.service_id,
            provider_ids=a.providers,
        ),
    )
    moved = await clinic.appointment(appointment_id)
    assert sorted(m.due_at for m in await pending(clinic)) == [
        moved.start - timedelta(hours=48),
        moved.start - timedelta(hours=24),
    ]
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=appointment_id, version=moved.version)
    )
    assert await pending(clinic) == []


async def test_a_late_night_sms_waits_for_the_morning_and_a_passed_lead_is_skipped(uow) -> None:
    clinic, lee, case_id, sam, _ = await clinic_with_couple(uow)
    clinic.now(at(1, 7, 9))  # 46 hours ahead: the 48 h email's time has passed
    await clinic.book(lee, case_id, at(1, 9, 7), service="Family 50")  # SMS due at 07:00
    queued = await pending(clinic)
    assert [(m.person_id, m.channel) for m in queued] == [(sam, Channel.SMS)]
    local = queued[0].due_at.astimezone(POLICY.tz)
    assert (local.hour, local.minute) == (8, 0)  # 07:00 is in the quiet hours: held until 08:00


async def test_who_stops_receiving_reminders_gets_none_and_a_rollback_queues_nothing(uow) -> None:
    clinic, lee, case_id, sam, maya = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    await cases.set_communication(
        clinic.deps,
        lee,
        cases.SetCommunication(
            case_id=case_id, person_id=sam, channel=Channel.SMS, reminders=False
        ),
    )
    assert [m.person_id for m in await pending(clinic)] == [maya]


async def test_a_booking_that_is_refused_queues_nothing(uow) -> None:
    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    before = await pending(clinic)
    # The same slot again: refused as a double booking at commit, after the handlers queued
    # its reminders in the same transaction, which is rolled back.
    try:
        await clinic.book(lee, case_id, at(1, 8, 18, 10), service="Family 50")
    except Exception as exc:
        assert type(exc).__name__ == "DoubleBooking"
    else:
        raise AssertionError("a double booking was accepted")
    assert len(await pending(clinic)) == len(before)


async def test_the_sweep_queues_sessions_that_come_into_the_horizon_once(uow) -> None:
    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 20, 18), service="Family 50")  # 15 days ahead
    assert await pending(clinic) == []  # beyond the 7-day horizon
    policy_of = fixed_policy(POLICY)
    clinic.now(at(1, 14, 9))
    assert await queue_coming(clinic.deps.uow, policy_of, clinic.clock, clinic.deps.ids) == 2
    assert await queue_coming(clinic.deps.uow, policy_of, clinic.clock, clinic.deps.ids) == 0
    assert len(await pending(clinic)) == 2


async def test_reminders_are_delivered_when_due_once(uow) -> None:
    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    email, sms = MemoryEmailSender(), MemorySmsSender()
    deps = DeliveryDeps(uow=clinic.deps.uow, clock=clinic.clock, email=email, sms=sms)
    assert (await deliver_due(deps)).sent == 2  # the booking's notices, at once
    assert (await deliver_due(deps)).claimed == 0
    clinic.now(at(1, 6, 18))
    assert (await deliver_due(deps)).sent == 1
    clinic.now(at(1, 7, 18))
    assert (await deliver_due(deps)).sent == 1
    assert (await deliver_due(deps)).claimed == 0
    assert [e.to for e in email.sent if e.delivery_key.startswith("reminder:")] == ["maya@ex.org"]
    assert [t.to for t in sms.sent if t.delivery_key.startswith("reminder:")] == ["+15555550100"]


async def test_reminders_follow_the_lead_times_and_name_saved_in_the_settings(uow) -> None:
    """bootstrap.practice_policy: the owner's Settings · Reminders and Settings · Practice."""
    from bootstrap import Settings, practice_policy
    from core.services.directory.practice_settings import (
        ChangePractice,
        PracticeCache,
        change_practice,
    )
    from core.services.scheduling import settings as ss

    clinic, lee, case_id, sam, _maya = await clinic_with_couple(uow)
    bus = message_bus(practice_policy(Settings(timezone=TZ, practice_name="Configured")))
    clinic.deps = dataclasses.replace(clinic.deps, bus=bus)
    owner = clinic.practice.owner
    await change_practice(
        clinic.deps,
        owner,
        PracticeCache(TZ),
        ChangePractice(version=0, name="Lakeside Therapy", timezone=TZ),
    )
    reminders = (ss.Reminder(hours_before=72, channel="sms"),)
    await ss.change_reminders(
        clinic.deps,
        owner,
        ss.ChangeReminders(version=0, reminders=reminders, late_cancel_hours=24),
    )
    clinic.now(at(1, 5, 9))
    booked = await clinic.book(lee, case_id, at(1, 9, 18), service="Family 50")
    start = (await clinic.appointment(booked.appointment_ids[0])).start
    queued = await pending(clinic)
    # One reminder, by SMS, 72 h ahead: Sam (SMS) gets it, Maya (email) none.
    assert {(m.person_id, m.due_at) for m in queued} == {(sam, start - timedelta(hours=72))}
    assert all("Lakeside Therapy" in m.body for m in queued)
